"""Checking the signatures on a signed IMR PDF, as the review panel would.

For each signature: who signed, in which field (and so as whom), when (and the timestamp's
time, if any); whether the bytes it covers are intact; whether the document is unchanged since,
naming what was added afterwards (only the later signature, and validation data for it, are
allowed); and the certificate chain against the trust roots given ("untrusted" when none are).
When the FINAL build's manifest.json is at hand, the PDF's first revision must be the
manifest's PDF, byte for byte: the signed PDF is that PDF plus signatures.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from imr_site.publish.signing.fields import ROLE_BY_FIELD, ROLES
from imr_site.publish.signing.sign import common_name, load_trust_roots, spoken_name


class VerifyUnusable(Exception):
    """The PDF (or the manifest, or a trust root) cannot be read (exit 2)."""


@dataclass
class SignatureCheck:
    field: str
    role: str | None  # the report's name for the signatory, None for a field not ours
    signer: str
    signing_time: str | None  # as the signer's computer said (ISO 8601)
    timestamp: str | None  # from the timestamp authority, if any
    timestamp_trusted: bool | None
    intact: bool  # the signed bytes are as signed, and the signature is mathematically valid
    unchanged: bool  # nothing but allowed additions since
    added_after: list[str]  # what later revisions added (allowed or not)
    changes: list[str]  # what makes ``unchanged`` false
    trusted: bool | None  # None when no trust roots were given
    trust: str  # in words
    certificate_sha256: str

    @property
    def ok(self) -> bool:
        return self.intact and self.unchanged and self.trusted is not False


@dataclass
class ManifestCheck:
    path: str
    matches: bool
    message: str


@dataclass
class VerifyReport:
    pdf: str
    signatures: list[SignatureCheck]
    unsigned: list[str]  # fields not signed yet (as the report names the signatory)
    manifest: ManifestCheck | None
    trust_roots: int
    problems: list[str] = field(default_factory=list)  # about the file as a whole

    @property
    def ok(self) -> bool:
        manifest_ok = self.manifest is None or self.manifest.matches
        return (
            bool(self.signatures)
            and all(s.ok for s in self.signatures)
            and manifest_ok
            and not self.problems
        )

    def as_json(self) -> dict:
        return {
            "pdf": self.pdf,
            "valid": self.ok,
            "signatures": [{**asdict(s), "valid": s.ok} for s in self.signatures],
            "unsigned": self.unsigned,
            "manifest": asdict(self.manifest) if self.manifest else None,
            "trust_roots": self.trust_roots,
            "problems": self.problems,
        }


def verify_pdf(
    pdf_path: Path, trust: list[Path] = (), manifest: Path | None = None
) -> VerifyReport:
    """Check every signature of ``pdf_path``. ``manifest`` defaults to manifest.json beside the
    PDF, when there is one."""
    from pyhanko.pdf_utils.misc import PdfReadError
    from pyhanko.pdf_utils.reader import PdfFileReader

    pdf_path = Path(pdf_path)
    try:
        data = pdf_path.read_bytes()
    except OSError as e:
        raise VerifyUnusable(f"{pdf_path} cannot be read: {e.strerror}.") from None
    try:
        roots = load_trust_roots(trust)
    except Exception as e:  # SigningUnusable: same words
        raise VerifyUnusable(str(e)) from None
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        embedded = list(reader.embedded_signatures)
        names = _object_names(data)
    except (PdfReadError, ValueError, KeyError, TypeError) as e:
        raise VerifyUnusable(f"{pdf_path} cannot be read as a PDF ({e}).") from None
    report = VerifyReport(pdf_path.name, [], [], None, len(roots))
    signed_fields = {s.field_name for s in embedded}
    report.unsigned = [
        r.label for r in ROLES if r.field in _field_names(reader) and r.field not in signed_fields
    ]
    sig_revisions = {s.signed_revision: s for s in embedded}
    for sig in embedded:
        report.signatures.append(_check(sig, reader, roots, sig_revisions, names))
    if not embedded:
        report.problems.append("the PDF has no signatures.")
    # The FINAL build's PDF is revision 0; each signature is an update of its own. Anything
    # appended before the first signature is covered by it, but is not the FINAL build's PDF.
    first = min(sig_revisions, default=reader.xrefs.total_revisions)
    for revision in range(1, first):
        touched = _describe(reader.xrefs.explicit_refs_in_revision(revision), names)
        detail = "; ".join(touched.content or touched.other) or "no objects named"
        report.problems.append(
            f"revision {revision + 1}, before the first signature, changed the FINAL build's "
            f"PDF: {detail}"
        )
    manifest = manifest or _beside(pdf_path)
    if manifest is not None:
        report.manifest = check_manifest(data, pdf_path.name, Path(manifest), reader)
    return report


def _beside(pdf_path: Path) -> Path | None:
    candidate = pdf_path.parent / "manifest.json"
    return candidate if candidate.is_file() else None


def _field_names(reader) -> set[str]:
    form = reader.root.get("/AcroForm")
    if form is None:
        return set()
    fields = form.get_object().get("/Fields", [])
    return {str(ref.get_object().get("/T", "")) for ref in fields.get_object()}


def _check(sig, reader, roots, sig_revisions, names) -> SignatureCheck:
    from pyhanko.sign.diff_analysis import DiffResult, ModificationLevel
    from pyhanko.sign.validation import SignatureCoverageLevel, validate_pdf_signature
    from pyhanko.sign.validation.settings import KeyUsageConstraints
    from pyhanko_certvalidator import ValidationContext

    context = ValidationContext(
        trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail"
    )
    status = validate_pdf_signature(
        sig,
        signer_validation_context=context,
        key_usage_settings=KeyUsageConstraints(
            key_usage={"digital_signature", "non_repudiation"}, match_all_key_usages=False
        ),
    )
    role = ROLE_BY_FIELD.get(sig.field_name)
    cert = sig.signer_cert
    intact = bool(status.intact and status.valid)

    # What came after this signature, revision by revision.
    added, changes = [], []
    order = ROLES.index(role) if role else None
    for revision in range(sig.signed_revision + 1, reader.xrefs.total_revisions):
        later = sig_revisions.get(revision)
        touched = _describe(reader.xrefs.explicit_refs_in_revision(revision), names)
        later_role = ROLE_BY_FIELD.get(later.field_name) if later is not None else None
        if later_role is not None and order is not None and ROLES.index(later_role) > order:
            added.append(f"the signature of {later_role.label} ({later.field_name})")
            changes += [f"with it: {t}" for t in touched.content]
        elif later is None and touched.only_validation_data:
            added.append("validation data for the signatures (certificates, revocation data)")
        else:
            what = (
                f"a signature in the field {later.field_name}"
                if later is not None
                else "an update that is not a signature"
            )
            added.append(what)
            detail = "; ".join(touched.content or touched.other) or "no objects named"
            changes.append(f"{what} (revision {revision + 1}), changing: {detail}")
    # pyHanko's difference analysis has the last word; its words are used only when the
    # revisions above did not already name the change (they are long and 0-based).
    diff = status.diff_result
    if diff is not None and not isinstance(diff, DiffResult) and not changes:
        first = str(diff).splitlines()[0] if str(diff) else type(diff).__name__
        changes.append(f"a change pyHanko's difference analysis does not accept: {first[:200]}")
    elif isinstance(diff, DiffResult) and diff.modification_level > ModificationLevel.FORM_FILLING:
        changes.append(f"changes beyond signing ({diff.modification_level.name.lower()})")
    if status.coverage not in (
        SignatureCoverageLevel.ENTIRE_FILE,
        SignatureCoverageLevel.ENTIRE_REVISION,
    ):
        changes.append("the signature does not cover its whole revision of the file")
    if not intact:
        changes.insert(0, "the signed bytes have changed, or the signature value is wrong")

    timestamp = status.timestamp_validity
    trusted, trust = _trust(status, roots)
    return SignatureCheck(
        field=sig.field_name,
        role=role.label if role else None,
        signer=common_name(cert),
        signing_time=_iso(status.signer_reported_dt),
        timestamp=_iso(timestamp.timestamp) if timestamp is not None else None,
        timestamp_trusted=(
            bool(timestamp.valid and timestamp.trusted) if timestamp is not None else None
        ),
        intact=intact,
        unchanged=intact and not changes,
        added_after=added,
        changes=changes,
        trusted=trusted,
        trust=trust,
        certificate_sha256=hashlib.sha256(cert.dump()).hexdigest(),
    )


def _trust(status, roots) -> tuple[bool | None, str]:
    if not roots:
        return (
            None,
            "untrusted: no trust roots given (--trust CA.pem), so the chain was not checked",
        )
    if status.trusted:
        path = status.validation_path
        anchor = (
            spoken_name(path.trust_anchor.authority.name) if path is not None else "a trust root"
        )
        return True, f"trusted: the chain ends at {anchor}"
    why = status.trust_problem_indic
    reason = f" ({why.name.replace('_', ' ').lower()})" if why is not None else ""
    return False, f"not trusted: the certificate does not chain to the trust roots given{reason}"


def _iso(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(dt.timezone.utc).isoformat(timespec="seconds")


# --------------------------------------------------------------------------------------------
# Naming what a revision changed


@dataclass
class _Touched:
    content: list[str]  # pages, their content and annotations: never allowed after a signature
    other: list[str]
    only_validation_data: bool


def _object_names(data: bytes) -> dict[tuple[int, int], tuple[str, bool]]:
    """objgen -> (what it is, in words; whether it is page content), from the latest revision."""
    import pikepdf

    names: dict[tuple[int, int], tuple[str, bool]] = {}
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            obj = page.obj
            names[obj.objgen] = (f"page {number}", True)
            contents = obj.get("/Contents")
            for stream in contents if isinstance(contents, pikepdf.Array) else [contents]:
                if stream is not None and stream.is_indirect:
                    names[stream.objgen] = (f"the content of page {number}", True)
            for key, what in (("/Resources", "resources"), ("/Annots", "annotations")):
                value = obj.get(key)
                if value is not None and value.is_indirect:
                    names[value.objgen] = (f"the {what} of page {number}", True)
            for annot in obj.get("/Annots", []):
                if annot.get("/FT") == "/Sig" and str(annot.get("/T", "")) in ROLE_BY_FIELD:
                    names[annot.objgen] = (f"the signature field {annot.T}", False)
                elif annot.is_indirect:
                    kind = str(annot.get("/Subtype", "/annotation"))[1:]
                    names[annot.objgen] = (f"a {kind} annotation on page {number}", True)
        root = pdf.Root
        names[root.objgen] = ("the document catalogue", False)
        info = pdf.trailer.get("/Info")
        if info is not None and info.is_indirect:
            names[info.objgen] = ("the document information", False)
        for key, what in (
            ("/Metadata", "the document metadata (XMP)"),
            ("/StructTreeRoot", "the structure tree"),
            ("/AcroForm", "the form"),
            ("/Outlines", "the bookmarks"),
        ):
            if key in root and root[key].is_indirect:
                names[root[key].objgen] = (what, False)
        if "/DSS" in root:
            for obj in _reachable(root.DSS):
                names[obj] = ("validation data", False)
    return names


def _reachable(obj) -> set[tuple[int, int]]:
    import pikepdf

    seen: set[tuple[int, int]] = set()
    stack = [obj]
    while stack:
        o = stack.pop()
        if getattr(o, "is_indirect", False):
            if o.objgen in seen:
                continue
            seen.add(o.objgen)
        if isinstance(o, pikepdf.Dictionary | pikepdf.Stream):
            stack.extend(
                o.values() if isinstance(o, pikepdf.Dictionary) else o.stream_dict.values()
            )
        elif isinstance(o, pikepdf.Array):
            stack.extend(o)
    return seen


# What a revision that adds validation data (B-LT) also touches: pyHanko updates the
# modification date in the document information and the XMP metadata.
WITH_VALIDATION_DATA = {
    "validation data",
    "the document catalogue",
    "the document information",
    "the document metadata (XMP)",
}


def _describe(refs, names) -> _Touched:
    content, other, validation = [], [], True
    for ref in sorted(refs, key=lambda r: (r.idnum, r.generation)):
        what, is_content = names.get((ref.idnum, ref.generation), (None, False))
        if what is None:
            other.append(f"object {ref.idnum}")
            validation = False
            continue
        (content if is_content else other).append(what)
        validation = validation and what in WITH_VALIDATION_DATA
    validation = validation and "validation data" in other
    return _Touched(_unique(content), _unique(other), validation)


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


# --------------------------------------------------------------------------------------------
# The manifest


def check_manifest(data: bytes, pdf_name: str, manifest: Path, reader) -> ManifestCheck:
    """Whether the PDF's first revision is the PDF manifest.json lists, byte for byte."""
    try:
        listed = json.loads(manifest.read_text(encoding="utf-8"))
        files = {f["path"].rsplit("/", 1)[-1]: f for f in listed["files"]}
    except OSError as e:
        raise VerifyUnusable(f"{manifest} cannot be read: {e.strerror}.") from None
    except (ValueError, KeyError, TypeError, AttributeError):
        raise VerifyUnusable(f"{manifest} is not a FINAL build's manifest.json.") from None
    entry = files.get(pdf_name) or next(
        (f for name, f in files.items() if name.endswith(".pdf")), None
    )
    if entry is None:
        return ManifestCheck(str(manifest), False, f"{manifest.name} lists no PDF.")
    size = int(entry.get("bytes", -1))
    original = data[:size] if 0 < size <= len(data) else b""
    if hashlib.sha256(original).hexdigest() != entry.get("sha256"):
        return ManifestCheck(
            str(manifest),
            False,
            f"the PDF does not start with the FINAL build's {entry['path']} (SHA-256 "
            f"{str(entry.get('sha256'))[:16]}...): it is not that PDF plus signatures.",
        )
    later = reader.xrefs.total_revisions - 1
    return ManifestCheck(
        str(manifest),
        True,
        f"the PDF is the FINAL build's {entry['path']} (SHA-256 {entry['sha256'][:16]}...) "
        f"with {later} update(s) appended.",
    )
