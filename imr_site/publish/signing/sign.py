"""Signing a FINAL PDF as the author or as the Director/Head of Service (PAdES, with pyHanko).

The key comes from a PKCS#12 file or from a smartcard or HSM through PKCS#11 (NHS smartcards
work this way). The signature is PAdES baseline B-B; B-T adds an RFC 3161 timestamp from a
timestamp authority; B-LT also embeds what a verifier needs later (certificates, revocation
data). Each signature is an incremental update: the bytes already there, the manifest's PDF and
any earlier signature, are never touched, so the author's signature stays valid when the
Director signs.

Everything is checked before anything is written: a refusal leaves the PDF as it was.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
import tempfile
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

from imr_site.case.atomic import write_atomic
from imr_site.case.templates import uk_date
from imr_site.publish.signing.fields import NAME_KEY, ROLE_BY_FIELD, ROLE_BY_OPTION, ROLES, Role

STAMP = Path(__file__).resolve().parent / "templates" / "stamp.typ"
LEVELS = ("B-B", "B-T", "B-LT")
RECORD = "signatures.json"  # beside the PDF (and the FINAL build's manifest.json)


class SigningRefused(Exception):
    """The PDF was not signed, for the reason given; nothing was written (exit 1)."""


class SigningUnusable(Exception):
    """A file, key, password or token could not be used; nothing was written (exit 2)."""


@dataclass
class PKCS12Key:
    path: Path
    password: bytes | None


@dataclass
class PKCS11Key:
    library: str
    token_label: str
    key_label: str
    pin: str | None
    cert_label: str | None = None


@dataclass
class SignatureRecord:
    """One signature, as signatures.json records it."""

    role: str  # author | senior_officer
    field: str
    signer: str  # the certificate's common name
    subject: str  # the certificate's whole subject
    signed_at: str  # ISO 8601, UTC
    certificate_sha256: str
    level: str  # B-B | B-T | B-LT
    timestamp_authority: str | None
    pdf: str  # the PDF's file name
    pdf_sha256: str  # the signed PDF, after this signature


@dataclass
class SignResult:
    record: SignatureRecord
    warnings: list[str] = field(default_factory=list)
    record_path: Path | None = None


# --------------------------------------------------------------------------------------------
# What the PDF holds


@dataclass
class FieldState:
    role: Role
    name: str  # who the front matter says signs here
    signed: bool
    size: tuple[float, float] = (0.0, 0.0)  # the box's width and height, in points


def read_fields(data: bytes, shown: str) -> list[FieldState]:
    """The PDF's IMR signature fields and whether each is signed. Raises SigningUnusable for a
    file that is not a PDF, SigningRefused for a PDF without the fields (not a FINAL build)."""
    from pyhanko.pdf_utils.misc import PdfReadError
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        form = reader.root.get("/AcroForm")
        form = form.get_object() if form is not None else None
        fields = form.get("/Fields", []) if form is not None else []
        fields = fields.get_object() if hasattr(fields, "get_object") else fields
        states = []
        for ref in fields:
            f = ref.get_object()
            role = ROLE_BY_FIELD.get(str(f.get("/T", "")))
            if role is None or "/IMRRole" not in f:
                continue
            x1, y1, x2, y2 = (float(v) for v in f.get("/Rect", [0, 0, 0, 0]))
            signed = f.get("/V") is not None
            states.append(FieldState(role, str(f.get(NAME_KEY, "")), signed, (x2 - x1, y2 - y1)))
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError) as e:
        raise SigningUnusable(f"{shown} cannot be read as a PDF ({e}).") from None
    if not states:
        raise SigningRefused(
            f"{shown} is not a FINAL IMR: it has no signature fields. Only a PDF made by "
            "`imr build --final` can be signed; a DRAFT never is."
        )
    return sorted(states, key=lambda s: ROLES.index(s.role))


def check_order(states: list[FieldState], role: Role, shown: str) -> None:
    by_role = {s.role.id: s for s in states}
    mine = by_role.get(role.id)
    if mine is None:
        raise SigningRefused(f"{shown} has no signature field for {role.label}.")
    if mine.signed:
        raise SigningRefused(
            f"{_cap(role.label)}'s field ({role.field}) in {shown} is already signed. "
            "A field is signed once; nothing was written."
        )
    earlier = [s for s in states if ROLES.index(s.role) < ROLES.index(role) and not s.signed]
    if earlier:
        raise SigningRefused(
            f"{_cap(earlier[0].role.label)} has not signed {shown} yet. The author signs "
            f"first, then the Director/Head of Service; nothing was written."
        )


# --------------------------------------------------------------------------------------------
# Keys


@contextmanager
def open_signer(key: PKCS12Key | PKCS11Key) -> Iterator:
    """A pyHanko signer for the key; a PKCS#11 session is closed afterwards."""
    if isinstance(key, PKCS12Key):
        yield _pkcs12_signer(key)
        return
    from pkcs11 import exceptions as p11_errors
    from pyhanko.config.pkcs11 import TokenCriteria
    from pyhanko.sign import pkcs11

    try:
        session = pkcs11.open_pkcs11_session(
            key.library, token_criteria=TokenCriteria(label=key.token_label), user_pin=key.pin
        )
    except p11_errors.PinIncorrect:
        raise SigningUnusable(f"the PIN for the token '{key.token_label}' is wrong.") from None
    except (p11_errors.PKCS11Error, OSError, RuntimeError) as e:
        raise SigningUnusable(
            f"the smartcard or HSM could not be opened (library {key.library}, token "
            f"'{key.token_label}'): {_why(e)}. Check that the card is inserted and the names are "
            "right."
        ) from None
    try:
        try:
            signer = pkcs11.PKCS11Signer(
                session, key_label=key.key_label, cert_label=key.cert_label or key.key_label
            )
            # Many tokens (SoftHSM2 among them) sign ECDSA only over a digest made here.
            signer.use_raw_mechanism = signer.signing_cert.public_key.algorithm == "ec"
        except (p11_errors.PKCS11Error, RuntimeError, ValueError) as e:
            raise SigningUnusable(
                f"the token '{key.token_label}' has no usable key and certificate labelled "
                f"'{key.key_label}': {_why(e)}."
            ) from None
        yield signer
    finally:
        session.close()


def _pkcs12_signer(key: PKCS12Key):
    from pyhanko.sign.signers import SimpleSigner

    try:
        data = key.path.read_bytes()
    except OSError as e:
        raise SigningUnusable(f"{key.path} cannot be read: {e.strerror}.") from None
    try:
        return SimpleSigner.load_pkcs12_data(data, other_certs=[], passphrase=key.password)
    except ValueError:
        raise SigningUnusable(
            f"{key.path} could not be opened: the password is wrong, or it is not a PKCS#12 "
            "(.p12/.pfx) file. Nothing was written."
        ) from None


def _why(e: Exception) -> str:
    return str(e) or type(e).__name__


# --------------------------------------------------------------------------------------------
# The certificate


def certificate_problem(cert, now: dt.datetime) -> str | None:
    """Why the certificate cannot sign at ``now`` (expired or not yet valid), or None."""
    start, end = cert.not_valid_before, cert.not_valid_after
    who = cert.subject.human_friendly
    if now < start:
        return (
            f"the certificate of {who} is not valid until {start:%Y-%m-%d %H:%M} UTC. Sign once "
            "it is valid, or ask for another certificate."
        )
    if now > end:
        return (
            f"the certificate of {who} expired on {end:%Y-%m-%d %H:%M} UTC. A signature made with "
            "it would not be trusted: renew the certificate (or the smartcard) and sign again."
        )
    return None


def _words(name: str) -> list[str]:
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()
    return re.findall(r"[a-z0-9]+", text)


def names_match(certificate_name: str, front_matter_name: str) -> bool:
    """Whether the certificate's common name is the person named in the sign-off section:
    every word of the front matter's name is in it, ignoring case and accents ("Dr Ruth
    Halloran" matches "Ruth Halloran")."""
    have, want = set(_words(certificate_name)), _words(front_matter_name)
    return bool(want) and all(w in have for w in want)


def spoken_name(name) -> str:
    """A certificate name as people say it: its common name, or the whole name without one."""
    cn = name.native.get("common_name")
    if isinstance(cn, list):
        cn = cn[0] if cn else None
    return str(cn or name.human_friendly)


def common_name(cert) -> str:
    return spoken_name(cert.subject)


# --------------------------------------------------------------------------------------------
# Signing


def sign_pdf(
    pdf_path: Path,
    role_option: str,
    key: PKCS12Key | PKCS11Key,
    *,
    level: str = "B-B",
    tsa: str | None = None,
    trust: list[Path] = (),
    strict_names: bool = False,
    out: Path | None = None,
    now: dt.datetime | None = None,
    timestamper=None,
) -> SignResult:
    """Sign ``pdf_path`` in the field of ``role_option`` (author | senior-officer), writing the
    signed PDF to ``out`` (default: in place, atomically) and recording the signature in
    signatures.json beside it. ``timestamper`` replaces the one made from ``tsa`` (tests)."""
    role = ROLE_BY_OPTION.get(role_option)
    if role is None:
        raise SigningUnusable(f"--as must be one of: {', '.join(ROLE_BY_OPTION)}.")
    if level not in LEVELS:
        raise SigningUnusable(f"the level must be one of {', '.join(LEVELS)}.")
    if level in ("B-T", "B-LT") and not (tsa or timestamper):
        raise SigningUnusable(
            f"PAdES {level} needs a timestamp: give the timestamp authority's address with "
            "--tsa URL."
        )
    pdf_path = Path(pdf_path)
    out = Path(out) if out else pdf_path
    shown = pdf_path.name
    try:
        data = pdf_path.read_bytes()
    except OSError as e:
        raise SigningUnusable(f"{pdf_path} cannot be read: {e.strerror}.") from None
    states = read_fields(data, shown)
    records = read_records(out.parent / RECORD)  # before signing: it must be readable
    check_order(states, role, shown)
    mine = next(s for s in states if s.role is role)
    expected = mine.name
    now = now or dt.datetime.now(dt.timezone.utc)
    roots = load_trust_roots(trust)
    warnings = []
    with open_signer(key) as signer:
        cert = signer.signing_cert
        problem = certificate_problem(cert, now)
        if problem:
            raise SigningRefused(f"Not signed: {problem}")
        cn = common_name(cert)
        if expected and not names_match(cn, expected):
            message = (
                f"the certificate is {cn}'s, but the sign-off section names {expected} as "
                f"{role.label}."
            )
            if strict_names:
                raise SigningRefused(f"Not signed (--strict-names): {message}")
            warnings.append(f"{message} Check that the right person is signing.")
        with tempfile.TemporaryDirectory(prefix="imr-sign-") as tmp:
            stamp = Path(tmp) / "stamp.pdf"
            stamp.write_bytes(stamp_pdf(mine.size, cn, role, cert, now))
            signed = _sign(data, role, signer, level, tsa, timestamper, roots, stamp)
    write_atomic(out, signed)
    record = SignatureRecord(
        role=role.id,
        field=role.field,
        signer=common_name(cert),
        subject=cert.subject.human_friendly,
        signed_at=now.astimezone(dt.timezone.utc).isoformat(timespec="seconds"),
        certificate_sha256=hashlib.sha256(cert.dump()).hexdigest(),
        level=level,
        timestamp_authority=tsa,
        pdf=out.name,
        pdf_sha256=hashlib.sha256(signed).hexdigest(),
    )
    return SignResult(record, warnings, add_record(out.parent, record, records))


def stamp_pdf(size: tuple[float, float], signer: str, role: Role, cert, now: dt.datetime) -> bytes:
    """What the signed field shows (who, as whom, when), as a one-page PDF of the field's size,
    made with Typst (its fonts are embedded, as PDF/A requires)."""
    import typst

    width, height = size
    utc = now.astimezone(dt.timezone.utc)
    issuer = spoken_name(cert.issuer)
    inputs = {
        "width": f"{max(width, 40):.3f}",
        "height": f"{max(height, 20):.3f}",
        "signer": signer,
        "role_line": f"as {role.label}",
        "when": f"{uk_date(utc.date())} at {utc:%H:%M} UTC",
        "issuer_line": f"Certificate issued by {issuer}. Check it with imr verify.",
    }
    return typst.compile(
        STAMP.read_bytes(), ignore_system_fonts=True, sys_inputs=inputs, pdf_tags=False
    )


def _sign(
    data: bytes, role: Role, signer, level: str, tsa, timestamper, roots, stamp: Path
) -> bytes:
    from pyhanko.pdf_utils import layout
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko.sign.general import SigningError
    from pyhanko.stamp.static import StaticStampStyle
    from pyhanko_certvalidator import ValidationContext

    if timestamper is None and tsa:
        from pyhanko.sign.timestamps.requests_client import RequestsHTTPTimeStamper

        timestamper = RequestsHTTPTimeStamper(tsa, timeout=30)
    long_term = level == "B-LT"
    first = ROLES.index(role) == 0
    meta = signers.PdfSignatureMetadata(
        field_name=role.field,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=f"Sign-off of the IMR by {role.label}",
        # The author certifies the report and allows only signing afterwards (form filling is
        # the narrowest DocMDP level that lets the Director sign).
        certify=first,
        docmdp_permissions=fields.MDPPerm.FILL_FORMS,
        embed_validation_info=long_term,
        validation_context=(
            ValidationContext(trust_roots=roots, allow_fetching=True, revocation_mode="soft-fail")
            if long_term
            else None
        ),
        use_pades_lta=False,
    )
    # The stamp is drawn at the field's size: placed as it is, no border, no margin.
    style = StaticStampStyle.from_pdf_file(
        str(stamp),
        border_width=0,
        background_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MIN,
            y_align=layout.AxisAlignment.ALIGN_MIN,
            margins=layout.Margins.uniform(0),
            inner_content_scaling=layout.InnerScaling.STRETCH_TO_FIT,
        ),
    )
    pdf_signer = signers.PdfSigner(meta, signer=signer, timestamper=timestamper, stamp_style=style)
    out = io.BytesIO()
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
        pdf_signer.sign_pdf(writer, output=out)
    except SigningError as e:
        raise SigningUnusable(f"the signature could not be made: {_why(e)}") from None
    except Exception as e:
        # A smartcard that fails mid-way (removed, locked, a mechanism it lacks)
        if type(e).__module__.startswith("pkcs11"):
            raise SigningUnusable(
                f"the smartcard or HSM could not sign ({_why(e)}); nothing was written."
            ) from None
        raise
    except OSError as e:  # the timestamp authority could not be reached, or answered wrongly
        raise SigningUnusable(
            f"no timestamp from the timestamp authority {tsa} ({_why(e)}). Check the address, "
            "or sign without --tsa (PAdES B-B)."
        ) from None
    return out.getvalue()


def load_trust_roots(paths) -> list:
    """Certificates (PEM or DER) from each file named."""
    from pyhanko.keys import load_certs_from_pemder

    roots = []
    for p in paths:
        try:
            roots += list(load_certs_from_pemder([str(p)]))
        except OSError as e:
            raise SigningUnusable(f"{p} cannot be read: {e.strerror}.") from None
        except (ValueError, TypeError):
            raise SigningUnusable(f"{p} holds no certificate (PEM or DER).") from None
    return roots


# --------------------------------------------------------------------------------------------
# signatures.json


def add_record(folder: Path, record: SignatureRecord, existing: list[dict]) -> Path:
    """signatures.json in ``folder``: the ``existing`` records and this one (written atomically)."""
    path = Path(folder) / RECORD
    records = [*existing, asdict(record)]
    write_atomic(path, json.dumps({"signatures": records}, indent=2, ensure_ascii=False) + "\n")
    return path


def read_records(path: Path) -> list[dict]:
    """The signatures recorded so far ([] when there is no file). A file that cannot be read
    stops signing before anything is written: it is never replaced, so no record is lost."""
    path = Path(path)
    if not path.exists():
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        sigs = data["signatures"]
        if not isinstance(sigs, list):
            raise TypeError
    except (OSError, ValueError, KeyError, TypeError):
        raise SigningUnusable(
            f"{path} (the record of earlier signatures) cannot be read. Restore it, or move it "
            "aside, and sign again; nothing was written."
        ) from None
    return list(sigs)


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]
