"""``imr sign`` and ``imr verify``: digital signatures on the FINAL PDF. The work is done by
``imr_site.publish.signing``; this module reads the options, asks for the password or PIN, and
prints the outcome.

``imr sign`` exits 0 when signed, 1 when it refused (nothing written), 2 when a file, key,
password or token could not be used. ``imr verify`` exits 0 when every signature is valid and
the document unchanged, 1 when one is not, 2 when the PDF cannot be read.
"""

from __future__ import annotations

import getpass
import json
import logging
import os
import sys
from pathlib import Path

from imr_site.cli.exit_codes import EXIT_FINDINGS, EXIT_OK, EXIT_UNUSABLE
from imr_site.publish.signing.fields import ROLE_BY_OPTION, ROLES
from imr_site.publish.signing.sign import (
    LEVELS,
    PKCS11Key,
    PKCS12Key,
    SigningRefused,
    SigningUnusable,
    sign_pdf,
)
from imr_site.publish.signing.verify import VerifyReport, VerifyUnusable, verify_pdf


def register(sub) -> None:
    s = sub.add_parser(
        "sign",
        help="sign the FINAL PDF as the author, then as the Director/Head of Service",
        description="Sign a FINAL PDF (PAdES). The author signs first, then the Director or "
        "Head of Service. The password or PIN is asked for, or read from the environment "
        "variable named by --password-env; it is never given on the command line.",
    )
    s.add_argument("pdf", help="the FINAL PDF (from `imr build --final`)")
    s.add_argument("--as", dest="role", required=True, choices=list(ROLE_BY_OPTION))
    key = s.add_mutually_exclusive_group(required=True)
    key.add_argument("--p12", help="a PKCS#12 file (.p12 or .pfx) holding the key and certificate")
    key.add_argument("--pkcs11-lib", help="the smartcard's or HSM's PKCS#11 library (.so/.dll)")
    s.add_argument("--token-label", help="the token (card) label, with --pkcs11-lib")
    s.add_argument("--key-label", help="the key's label on the token, with --pkcs11-lib")
    s.add_argument("--cert-label", help="the certificate's label, if not the key's")
    s.add_argument(
        "--password-env",
        metavar="VAR",
        help="read the PKCS#12 password (or the token's PIN) from this environment variable",
    )
    s.add_argument(
        "--level",
        choices=LEVELS,
        help="PAdES baseline level: B-B (default), B-T (with --tsa: a timestamp), B-LT (B-T "
        "with validation data embedded)",
    )
    s.add_argument("--tsa", metavar="URL", help="an RFC 3161 timestamp authority (gives B-T)")
    s.add_argument(
        "--trust",
        action="append",
        default=[],
        metavar="CA.pem",
        help="trust roots whose chain B-LT embeds (repeatable)",
    )
    s.add_argument(
        "--strict-names",
        action="store_true",
        help="refuse (rather than warn) when the certificate's name is not the name in the "
        "sign-off section",
    )
    s.add_argument("-o", "--output", help="write the signed PDF here (default: sign in place)")
    s.set_defaults(func=cmd_sign)

    v = sub.add_parser(
        "verify",
        help="check the signatures of a signed PDF",
        description="Check each signature: signer, field, time, that the document is unchanged "
        "since, and the certificate chain against the trust roots given.",
    )
    v.add_argument("pdf")
    v.add_argument(
        "--trust", action="append", default=[], metavar="CA.pem", help="a trust root (repeatable)"
    )
    v.add_argument(
        "--manifest",
        help="the FINAL build's manifest.json (default: the one beside the PDF, if any)",
    )
    v.add_argument("--format", choices=("text", "json"), default="text")
    v.set_defaults(func=cmd_verify)


def _quiet_pyhanko() -> None:
    # pyHanko logs each failed check with a traceback; our report says it in words.
    for name in ("pyhanko", "pyhanko_certvalidator"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


def _secret(args, prompt: str) -> str | None:
    if args.password_env:
        value = os.environ.get(args.password_env)
        if value is None:
            raise SigningUnusable(f"the environment variable {args.password_env} is not set.")
        return value
    if not sys.stdin.isatty():
        raise SigningUnusable(
            "no terminal to ask for the password on: name an environment variable that holds "
            "it with --password-env."
        )
    return getpass.getpass(prompt)


def _key(args) -> PKCS12Key | PKCS11Key:
    if args.p12:
        password = _secret(args, f"Password for {args.p12}: ")
        return PKCS12Key(Path(args.p12), password.encode() if password else None)
    missing = [opt for opt in ("token_label", "key_label") if not getattr(args, opt)]
    if missing:
        names = " and ".join("--" + m.replace("_", "-") for m in missing)
        raise SigningUnusable(f"--pkcs11-lib also needs {names}.")
    pin = _secret(args, f"PIN for the token '{args.token_label}': ")
    return PKCS11Key(args.pkcs11_lib, args.token_label, args.key_label, pin, args.cert_label)


def cmd_sign(args) -> int:
    _quiet_pyhanko()
    level = args.level or ("B-T" if args.tsa else "B-B")
    try:
        result = sign_pdf(
            Path(args.pdf),
            args.role,
            _key(args),
            level=level,
            tsa=args.tsa,
            trust=[Path(t) for t in args.trust],
            strict_names=args.strict_names,
            out=Path(args.output) if args.output else None,
        )
    except SigningRefused as e:
        print(str(e), file=sys.stderr)
        return EXIT_FINDINGS
    except SigningUnusable as e:
        print(f"Not signed: {e}", file=sys.stderr)
        return EXIT_UNUSABLE
    for w in result.warnings:
        print(f"Warning: {w}", file=sys.stderr)
    r = result.record
    role = ROLE_BY_OPTION[args.role]
    out = Path(args.output) if args.output else Path(args.pdf)
    print(f"Signed {out} as {role.label} (field {r.field}), PAdES {r.level}.")
    print(f"Signer: {r.signer}")
    print(f"Time: {r.signed_at}")
    print(f"Recorded in {result.record_path}")
    nxt = ROLES.index(role) + 1
    if nxt < len(ROLES):
        print(
            f"Next: {ROLES[nxt].label} signs with `imr sign {out.name} --as {ROLES[nxt].option}`."
        )
    else:
        print(f"Check it with `imr verify {out.name} --trust CA.pem`.")
    return EXIT_OK


def cmd_verify(args) -> int:
    _quiet_pyhanko()
    try:
        report = verify_pdf(
            Path(args.pdf),
            trust=[Path(t) for t in args.trust],
            manifest=Path(args.manifest) if args.manifest else None,
        )
    except VerifyUnusable as e:
        print(f"Cannot verify: {e}", file=sys.stderr)
        return EXIT_UNUSABLE
    if args.format == "json":
        print(json.dumps(report.as_json(), indent=2, ensure_ascii=False))
    else:
        print(format_report(report))
    return EXIT_OK if report.ok else EXIT_FINDINGS


def format_report(report: VerifyReport) -> str:
    lines = [f"{report.pdf}: {len(report.signatures)} signature(s)"]
    for n, s in enumerate(report.signatures, start=1):
        lines.append("")
        who = s.role or "an unknown signatory"
        lines.append(
            f"{n}. {who[:1].upper() + who[1:]}, field {s.field}: {'VALID' if s.ok else 'NOT VALID'}"
        )
        lines.append(f"   Signer: {s.signer}")
        when = s.signing_time or "not stated"
        lines.append(f"   Signed at: {when} (the signer's clock)")
        if s.timestamp:
            trusted = "trusted" if s.timestamp_trusted else "not trusted"
            lines.append(f"   Timestamp: {s.timestamp} ({trusted})")
        else:
            lines.append("   Timestamp: none")
        lines.append(
            "   Integrity: "
            + ("the signed bytes are intact" if s.intact else "BROKEN: " + s.changes[0])
        )
        if s.unchanged:
            after = "; ".join(s.added_after) if s.added_after else "nothing"
            lines.append(f"   Since signing: unchanged; added after it: {after}")
        elif s.intact:
            lines.append("   Since signing: CHANGED:")
            lines += [f"     - {c}" for c in s.changes]
        lines.append(f"   Certificate: {s.trust}")
    for label in report.unsigned:
        lines.append("")
        lines.append(f"Not signed yet: {label}'s field.")
    if report.manifest is not None:
        lines.append("")
        ok = "matches" if report.manifest.matches else "DOES NOT MATCH"
        lines.append(f"Manifest ({report.manifest.path}): {ok}: {report.manifest.message}")
    for p in report.problems:
        lines.append(f"Problem: {p}")
    lines.append("")
    if report.ok:
        lines.append("Result: every signature is valid and the document is unchanged.")
    else:
        lines.append("Result: NOT VALID (see above).")
    return "\n".join(lines)
