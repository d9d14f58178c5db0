"""Signing the FINAL PDF (`imr sign`) and checking it (`imr verify`), with a throwaway CA made at
test time. The example case is built FINAL once for this module; every test signs copies."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import shutil
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pdf_conformance as pc
import pikepdf
import pytest
from complete_case import git_commit_all
from conftest import copy_example, need_tool
from cryptography.hazmat.primitives.serialization import Encoding
from signing_keys import NOW, PASSWORD, TestCA

from imr_site.cli import main

ENV = "IMR_TEST_P12_PASSWORD"
AUTHOR, DIRECTOR = "Ruth Halloran", "Marcus Feeney"  # as the example's sign-off section names them


@pytest.fixture(scope="module")
def final_editions(tmp_path_factory) -> Path:
    """The example case built FINAL in both editions (in a Git repository, as a FINAL build
    requires): site/restricted and site/anonymised, each with its PDF and manifest.json."""
    case = copy_example(tmp_path_factory.mktemp("final-example"))
    git_commit_all(case)
    assert main(["build", "--final", "--both-editions", str(case)]) == 0
    return case / "site"


@pytest.fixture(scope="module")
def final_example(final_editions) -> Path:
    return final_editions / "restricted"


@pytest.fixture(scope="module")
def ca(tmp_path_factory) -> TestCA:
    return TestCA(tmp_path_factory.mktemp("ca"))


@pytest.fixture(scope="module")
def people(ca):
    return {"author": ca.issue(AUTHOR), "director": ca.issue(DIRECTOR)}


@pytest.fixture
def site(final_example, tmp_path) -> Path:
    """A private copy of the FINAL PDF with its manifest."""
    out = tmp_path / "site"
    out.mkdir()
    for p in [*final_example.glob("*.pdf"), final_example / "manifest.json"]:
        shutil.copy(p, out / p.name)
    return out


def pdf_of(site: Path) -> Path:
    return next(site.glob("*.pdf"))


@pytest.fixture(autouse=True)
def password(monkeypatch):
    monkeypatch.setenv(ENV, PASSWORD)


def sign(pdf: Path, role: str, p12: Path, *extra: str) -> int:
    return main(["sign", str(pdf), "--as", role, "--p12", str(p12), "--password-env", ENV, *extra])


def verify(capsys, pdf: Path, *extra: str) -> tuple[int, dict]:
    capsys.readouterr()  # what signing printed before
    code = main(["verify", str(pdf), "--format", "json", *extra])
    out = capsys.readouterr().out
    return code, json.loads(out) if out.strip() else {}


@pytest.fixture(scope="module")
def signed_pair(final_example, people, tmp_path_factory) -> Path:
    """The FINAL PDF signed by the author, then the Director (made once; copy before changing)."""
    site = tmp_path_factory.mktemp("signed")
    for p in [*final_example.glob("*.pdf"), final_example / "manifest.json"]:
        shutil.copy(p, site / p.name)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(ENV, PASSWORD)
        assert sign(pdf_of(site), "author", people["author"].p12) == 0
        assert sign(pdf_of(site), "senior-officer", people["director"].p12) == 0
    return site


def copy_signed(signed_pair: Path, tmp_path: Path) -> Path:
    out = tmp_path / "signed"
    shutil.copytree(signed_pair, out)
    return pdf_of(out)


# --------------------------------------------------------------------------------------------
# The fields


def test_final_pdf_has_two_empty_tagged_signature_fields_on_the_signoff_page(final_example):
    pdf = pdf_of(final_example)
    assert pc.problems(pdf) == []  # still PDF/UA-1 and PDF/A-3a by our checks
    with pikepdf.open(pdf) as doc:
        fields = list(doc.Root.AcroForm.Fields)
        assert [str(f.T) for f in fields] == ["author_signature", "senior_officer_signature"]
        tree = pc.structure_tree(doc)
        for f, name in zip(fields, (AUTHOR, DIRECTOR), strict=True):
            assert f.FT == "/Sig" and f.Subtype == "/Widget" and "/V" not in f  # empty
            assert name in str(f.TU)
            assert int(f.F) & 4  # printed
            assert "/N" in f.AP
            owner = tree.nodes[tree.objrs[f.objgen]]
            assert owner.role == "Form"
            assert owner.obj.get("/K").get("/Obj").objgen == f.objgen
            number = next(i for i, p in enumerate(doc.pages, 1) if p.obj.objgen == f.P.objgen)
            assert f.objgen in [a.objgen for a in doc.pages[number - 1].obj.Annots]
    pages = _page_texts(pdf)
    signoff = next(i for i, t in enumerate(pages, 1) if "Digital signatures" in t)
    assert "8. Sign-off" in pages[signoff - 1]
    assert number == signoff
    # each field sits under its signatory's line
    with pikepdf.open(pdf) as doc:
        tops = [float(f.Rect[3]) for f in doc.Root.AcroForm.Fields]
    assert tops[0] > tops[1]


def _fonts(xobject, seen=None) -> list:
    """Every font an appearance stream uses, through nested form XObjects."""
    seen = seen if seen is not None else set()
    if xobject.objgen in seen:
        return []
    seen.add(xobject.objgen)
    resources = xobject.get("/Resources", {})
    found = list(resources.get("/Font", {}).values())
    for inner in resources.get("/XObject", {}).values():
        if inner.get("/Subtype") == "/Form":
            found += _fonts(inner, seen)
    return found


def _embedded(font) -> bool:
    for f in [font, *font.get("/DescendantFonts", [])]:
        descriptor = f.get("/FontDescriptor", {})
        if any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
            return True
    return False


def _page_texts(pdf: Path) -> list[str]:
    import subprocess

    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return text.split("\f")


def test_draft_pdf_has_no_signature_fields_and_cannot_be_signed(
    built_example, people, tmp_path, capsys
):
    draft = tmp_path / built_example.pdf.name
    shutil.copy(built_example.pdf, draft)
    with pikepdf.open(draft) as doc:
        assert "/AcroForm" not in doc.Root
    before = draft.read_bytes()
    assert sign(draft, "author", people["author"].p12) == 1
    assert "not a FINAL IMR" in capsys.readouterr().err
    assert draft.read_bytes() == before
    assert not (tmp_path / "signatures.json").exists()


# --------------------------------------------------------------------------------------------
# Two signatures


def test_author_then_director_gives_a_valid_document(signed_pair, people, ca, capsys):
    pdf = pdf_of(signed_pair)
    code, report = verify(capsys, pdf, "--trust", str(ca.pem))
    assert code == 0, json.dumps(report, indent=1)
    assert report["valid"] is True and report["problems"] == [] and report["unsigned"] == []
    sigs = report["signatures"]
    assert [(s["field"], s["role"], s["signer"]) for s in sigs] == [
        ("author_signature", "the author", AUTHOR),
        ("senior_officer_signature", "the Director/Head of Service", DIRECTOR),
    ]
    assert all(s["intact"] and s["unchanged"] and s["trusted"] for s in sigs)
    assert {s["trust"] for s in sigs} == {"trusted: the chain ends at IMR Test Root CA"}
    # the only thing after the author's signature is the Director's
    assert sigs[0]["added_after"] == [
        "the signature of the Director/Head of Service (senior_officer_signature)"
    ]
    assert sigs[1]["added_after"] == []
    for s, who in zip(sigs, ("author", "director"), strict=True):
        when = dt.datetime.fromisoformat(s["signing_time"])
        assert abs(when - dt.datetime.now(dt.timezone.utc)) < dt.timedelta(hours=1)
        der = people[who].cert.public_bytes(Encoding.DER)
        assert s["certificate_sha256"] == hashlib.sha256(der).hexdigest()
    assert report["manifest"]["matches"] is True
    # the signed PDF is the manifest's PDF, byte for byte, plus two updates
    manifest = json.loads((signed_pair / "manifest.json").read_text())
    entry = next(f for f in manifest["files"] if f["path"] == pdf.name)
    assert hashlib.sha256(pdf.read_bytes()[: entry["bytes"]]).hexdigest() == entry["sha256"]
    # both signatures recorded beside the manifest
    records = json.loads((signed_pair / "signatures.json").read_text())["signatures"]
    assert [(r["role"], r["field"], r["signer"]) for r in records] == [
        ("author", "author_signature", AUTHOR),
        ("senior_officer", "senior_officer_signature", DIRECTOR),
    ]
    assert [r["certificate_sha256"] for r in records] == [s["certificate_sha256"] for s in sigs]
    assert records[-1]["pdf_sha256"] == hashlib.sha256(pdf.read_bytes()).hexdigest()
    # still tagged and archival by our checks after signing
    assert pc.problems(pdf) == []
    # each box now shows who signed, as whom and when, in embedded fonts
    signoff = next(t for t in _page_texts(pdf) if "Digital signatures" in t)
    for name, role in ((AUTHOR, "the author"), (DIRECTOR, "the Director/Head of Service")):
        assert f"Signed digitally by {name}" in signoff
        assert f"as {role}" in signoff
    with pikepdf.open(pdf) as doc:
        fonts = [f for w in doc.Root.AcroForm.Fields for f in _fonts(w.AP.N)]
        assert fonts and all(_embedded(f) for f in fonts)


def test_verify_text_report_names_signers_fields_and_trust(signed_pair, capsys):
    code = main(["verify", str(pdf_of(signed_pair))])
    out = capsys.readouterr().out
    assert code == 0
    assert "1. The author, field author_signature: VALID" in out
    assert f"Signer: {AUTHOR}" in out and f"Signer: {DIRECTOR}" in out
    assert "untrusted: no trust roots given" in out
    assert "Manifest (" in out and "matches" in out
    assert "Result: every signature is valid" in out


def test_only_the_author_signed_is_valid_and_says_who_has_not(site, people, capsys):
    pdf = pdf_of(site)
    assert sign(pdf, "author", people["author"].p12) == 0
    code, report = verify(capsys, pdf)
    assert code == 0
    assert report["unsigned"] == ["the Director/Head of Service"]
    assert report["signatures"][0]["trusted"] is None


# --------------------------------------------------------------------------------------------
# Tampering


def test_a_byte_changed_after_signing_is_caught(signed_pair, tmp_path, capsys):
    pdf = copy_signed(signed_pair, tmp_path)
    data = bytearray(pdf.read_bytes())
    # a byte inside the first page's content stream, well inside both signed ranges
    start = data.index(b"stream\n", len(data) // 4) + 20
    data[start] ^= 0x01
    pdf.write_bytes(bytes(data))
    code, report = verify(capsys, pdf)
    assert code == 1
    assert report["valid"] is False
    assert [s["intact"] for s in report["signatures"]] == [False, False]
    assert report["manifest"]["matches"] is False


def test_an_update_that_changes_page_content_is_named(signed_pair, tmp_path, capsys):
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    pdf = copy_signed(signed_pair, tmp_path)
    with pdf.open("rb") as f:
        w = IncrementalPdfFileWriter(io.BytesIO(f.read()))
    stream = generic.StreamObject(stream_data=b"q 1 0 0 rg 100 100 50 50 re f Q")
    w.add_stream_to_page(0, w.add_object(stream))
    out = io.BytesIO()
    w.write(out)
    pdf.write_bytes(out.getvalue())
    code, report = verify(capsys, pdf)
    assert code == 1
    for s in report["signatures"]:
        assert s["intact"] is True  # the signed bytes themselves are untouched
        assert s["unchanged"] is False
        assert any("page 1" in c for c in s["changes"]), s["changes"]
    assert "an update that is not a signature" in report["signatures"][1]["added_after"]
    main(["verify", str(pdf)])
    text = capsys.readouterr().out
    assert "CHANGED" in text and "page 1" in text and "NOT VALID" in text


def test_wrong_trust_root_is_not_trusted(signed_pair, tmp_path, capsys):
    other = TestCA(tmp_path / "other", name="Some Other Root")
    code, report = verify(capsys, pdf_of(signed_pair), "--trust", str(other.pem))
    assert code == 1
    assert [s["trusted"] for s in report["signatures"]] == [False, False]
    assert all(s["intact"] and s["unchanged"] for s in report["signatures"])
    assert "not trusted" in report["signatures"][0]["trust"]


def test_a_pdf_not_from_the_manifest_is_caught(signed_pair, tmp_path, capsys):
    pdf = copy_signed(signed_pair, tmp_path)
    manifest = pdf.parent / "manifest.json"
    data = json.loads(manifest.read_text())
    for f in data["files"]:
        if f["path"].endswith(".pdf"):
            f["sha256"] = "0" * 64
    manifest.write_text(json.dumps(data))
    code, report = verify(capsys, pdf)
    assert code == 1
    assert report["manifest"]["matches"] is False
    assert all(s["intact"] for s in report["signatures"])


@pytest.mark.parametrize("what", ["not a pdf", "missing"])
def test_unreadable_input_exits_2(tmp_path, capsys, what):
    pdf = tmp_path / "x.pdf"
    if what == "not a pdf":
        pdf.write_text("hello")
    assert main(["verify", str(pdf)]) == 2
    assert "Cannot verify" in capsys.readouterr().err


# --------------------------------------------------------------------------------------------
# Refusals: a clear message and nothing written


def _unchanged(site: Path, before: bytes) -> bool:
    return pdf_of(site).read_bytes() == before and not (site / "signatures.json").exists()


def test_director_cannot_sign_before_the_author(site, people, capsys):
    before = pdf_of(site).read_bytes()
    assert sign(pdf_of(site), "senior-officer", people["director"].p12) == 1
    assert "The author has not signed" in capsys.readouterr().err
    assert _unchanged(site, before)


def test_a_signed_field_is_not_signed_again(signed_pair, tmp_path, people, capsys):
    pdf = copy_signed(signed_pair, tmp_path)
    before = pdf.read_bytes()
    assert sign(pdf, "author", people["author"].p12) == 1
    assert "already signed" in capsys.readouterr().err
    assert pdf.read_bytes() == before


@pytest.mark.parametrize(
    "window",
    [
        (NOW - dt.timedelta(days=400), NOW - dt.timedelta(days=1)),  # expired yesterday
        (NOW + dt.timedelta(days=1), NOW + dt.timedelta(days=400)),  # valid from tomorrow
    ],
    ids=["expired", "not-yet-valid"],
)
def test_expired_or_not_yet_valid_certificate_is_refused(site, ca, capsys, window):
    cert = ca.issue(AUTHOR, not_before=window[0], not_after=window[1])
    before = pdf_of(site).read_bytes()
    assert sign(pdf_of(site), "author", cert.p12) == 1
    err = capsys.readouterr().err
    assert ("expired on" in err) if window[1] < NOW else ("not valid until" in err)
    assert _unchanged(site, before)


def test_wrong_password_exits_2_and_writes_nothing(site, people, capsys, monkeypatch):
    monkeypatch.setenv(ENV, "not the password")
    before = pdf_of(site).read_bytes()
    assert sign(pdf_of(site), "author", people["author"].p12) == 2
    assert "password is wrong" in capsys.readouterr().err
    assert _unchanged(site, before)


def test_password_is_never_an_option_and_a_missing_variable_is_explained(site, people, capsys):
    with pytest.raises(SystemExit):
        main(["sign", str(pdf_of(site)), "--as", "author", "--password", "x"])
    capsys.readouterr()
    code = main(
        [
            "sign",
            str(pdf_of(site)),
            "--as",
            "author",
            "--p12",
            str(people["author"].p12),
            "--password-env",
            "IMR_NO_SUCH_VARIABLE",
        ]
    )
    assert code == 2 and "IMR_NO_SUCH_VARIABLE is not set" in capsys.readouterr().err


def test_a_certificate_for_someone_else_warns_or_with_strict_names_refuses(site, ca, capsys):
    stranger = ca.issue("Jo Bloggs")
    before = pdf_of(site).read_bytes()
    assert sign(pdf_of(site), "author", stranger.p12, "--strict-names") == 1
    assert "names Ruth Halloran as the author" in capsys.readouterr().err
    assert _unchanged(site, before)
    assert sign(pdf_of(site), "author", stranger.p12) == 0
    assert "Warning: the certificate is Jo Bloggs's" in capsys.readouterr().err


def test_a_title_in_the_certificate_name_still_matches(site, ca, capsys):
    doctor = ca.issue("Dr Ruth HALLORAN")
    assert sign(pdf_of(site), "author", doctor.p12, "--strict-names") == 0
    assert "Warning" not in capsys.readouterr().err


# --------------------------------------------------------------------------------------------
# Timestamps (B-T, B-LT) from a timestamp authority on this machine


@pytest.fixture(scope="module")
def tsa(ca):
    """An RFC 3161 timestamp authority at http://127.0.0.1:PORT/, signing with a certificate of
    the test CA (pyHanko's DummyTimeStamper behind a tiny HTTP server)."""
    from asn1crypto import keys, tsp, x509
    from cryptography.hazmat.primitives import serialization
    from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

    issued = ca.issue("IMR Test Timestamp Authority", timestamping=True)
    der = serialization.Encoding.DER
    stamper = DummyTimeStamper(
        tsa_cert=x509.Certificate.load(issued.cert.public_bytes(der)),
        tsa_key=keys.PrivateKeyInfo.load(
            issued.key.private_bytes(
                der, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        ),
        certs_to_embed=[x509.Certificate.load(ca.cert.public_bytes(der))],
    )

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            reply = stamper.request_tsa_response(tsp.TimeStampReq.load(body)).dump()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


def test_b_t_and_b_lt_carry_a_trusted_timestamp(site, people, ca, tsa, capsys):
    pdf = pdf_of(site)
    assert sign(pdf, "author", people["author"].p12, "--tsa", tsa) == 0
    assert (
        sign(
            pdf,
            "senior-officer",
            people["director"].p12,
            "--tsa",
            tsa,
            "--level",
            "B-LT",
            "--trust",
            str(ca.pem),
        )
        == 0
    )
    capsys.readouterr()
    code, report = verify(capsys, pdf, "--trust", str(ca.pem))
    assert code == 0, json.dumps(report, indent=1)
    for s in report["signatures"]:
        stamped = dt.datetime.fromisoformat(s["timestamp"])
        assert abs(stamped - dt.datetime.now(dt.timezone.utc)) < dt.timedelta(hours=1)
        assert s["timestamp_trusted"] is True
    records = json.loads((site / "signatures.json").read_text())["signatures"]
    assert [r["level"] for r in records] == ["B-T", "B-LT"]
    with pikepdf.open(pdf) as doc:
        assert "/DSS" in doc.Root  # B-LT: validation data embedded
    assert pc.problems(pdf) == []


def test_b_lt_without_a_timestamp_authority_is_a_usage_error(site, people, capsys):
    before = pdf_of(site).read_bytes()
    assert sign(pdf_of(site), "author", people["author"].p12, "--level", "B-LT") == 2
    assert "needs a timestamp" in capsys.readouterr().err
    assert _unchanged(site, before)


# --------------------------------------------------------------------------------------------
# A smartcard: SoftHSM2 through PKCS#11

SOFTHSM_LIBS = [
    "/usr/lib/softhsm/libsofthsm2.so",
    "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
]
TOKEN, PIN = "imr-test-card", "246810"


@pytest.fixture(scope="module")
def smartcards(tmp_path_factory, ca):
    """SoftHSM2 tokens, one holding an EC key and one an RSA key for the author, each with its
    certificate, both labelled 'author', as an NHS smartcard holds its owner's. Returns the
    library and the token labels by key type. SoftHSM reads its configuration and its tokens
    once per process, when the library is first loaded: so every token is made first."""
    import subprocess

    import pkcs11
    from cryptography.hazmat.primitives import serialization
    from pkcs11 import Attribute, CertificateType, ObjectClass

    lib = next((p for p in SOFTHSM_LIBS if Path(p).exists()), None)
    need_tool(
        "SoftHSM2",
        lib and shutil.which("softhsm2-util"),
        "scripts/setup.sh --test installs it",
    )
    folder = tmp_path_factory.mktemp("softhsm")
    (folder / "tokens").mkdir()
    conf = folder / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {folder / 'tokens'}\nobjectstore.backend = file\n")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOFTHSM2_CONF", str(conf))

        def util(*args):
            subprocess.run(["softhsm2-util", *args], check=True, capture_output=True)

        cards = {}
        for kind in ("ec", "rsa"):
            label = f"{TOKEN}-{kind}"
            util("--init-token", "--free", "--label", label, "--so-pin", "13579", "--pin", PIN)
            author = ca.issue(AUTHOR, rsa_key=kind == "rsa")
            key_pem = folder / f"{kind}.pem"
            key_pem.write_bytes(
                author.key.private_bytes(
                    serialization.Encoding.PEM,
                    serialization.PrivateFormat.PKCS8,
                    serialization.NoEncryption(),
                )
            )
            util(
                "--import",
                str(key_pem),
                "--token",
                label,
                "--label",
                "author",
                "--id",
                "01",
                "--pin",
                PIN,
            )
            key_pem.unlink()
            cards[kind] = (label, author)
        for label, author in cards.values():
            token = pkcs11.lib(lib).get_token(token_label=label)
            with token.open(rw=True, user_pin=PIN) as session:
                session.create_object(
                    {
                        Attribute.CLASS: ObjectClass.CERTIFICATE,
                        Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
                        Attribute.TOKEN: True,
                        Attribute.LABEL: "author",
                        Attribute.ID: b"\x01",
                        Attribute.SUBJECT: author.cert.subject.public_bytes(),
                        Attribute.VALUE: author.cert.public_bytes(serialization.Encoding.DER),
                    }
                )
        yield lib, {kind: label for kind, (label, _) in cards.items()}


@pytest.mark.parametrize("kind", ["ec", "rsa"])
def test_signing_with_a_smartcard_through_pkcs11(
    site, smartcards, people, ca, capsys, monkeypatch, kind
):
    lib, labels = smartcards
    monkeypatch.setenv("IMR_TEST_PIN", PIN)
    pdf = pdf_of(site)
    card = ["--pkcs11-lib", lib, "--token-label", labels[kind], "--key-label", "author"]
    # a wrong PIN: nothing written
    before = pdf.read_bytes()
    code = main(["sign", str(pdf), "--as", "author", *card, "--password-env", ENV])
    assert code == 2 and "PIN" in capsys.readouterr().err
    assert _unchanged(site, before)
    code = main(["sign", str(pdf), "--as", "author", *card, "--password-env", "IMR_TEST_PIN"])
    assert code == 0, capsys.readouterr().err
    assert sign(pdf, "senior-officer", people["director"].p12) == 0
    code, report = verify(capsys, pdf, "--trust", str(ca.pem))
    assert code == 0, json.dumps(report, indent=1)
    assert [s["signer"] for s in report["signatures"]] == [AUTHOR, DIRECTOR]


def test_the_anonymised_edition_is_signed_and_verified_too(
    final_editions, people, ca, tmp_path, capsys
):
    site = tmp_path / "anonymised"
    shutil.copytree(final_editions / "anonymised", site)
    pdf = next(site.glob("*-anonymised.pdf"))
    assert sign(pdf, "author", people["author"].p12) == 0
    assert sign(pdf, "senior-officer", people["director"].p12) == 0
    code, report = verify(capsys, pdf, "--trust", str(ca.pem))
    assert code == 0, json.dumps(report, indent=1)
    assert report["manifest"]["matches"] is True
    assert "anonymised" in report["manifest"]["message"]
    assert pc.problems(pdf) == []


def test_an_unreadable_signature_record_is_never_replaced(site, people, capsys):
    record = site / "signatures.json"
    record.write_text("{ this is not JSON")
    before = pdf_of(site).read_bytes()
    assert sign(pdf_of(site), "author", people["author"].p12) == 2
    assert "cannot be read" in capsys.readouterr().err
    assert pdf_of(site).read_bytes() == before
    assert record.read_text() == "{ this is not JSON"


def test_the_stamp_prints_a_certificate_name_as_text_never_as_typst(tmp_path, ca):
    import subprocess

    from imr_site.publish.signing.fields import ROLES
    from imr_site.publish.signing.sign import stamp_pdf

    hostile = 'Ruth #panic("x") $1+1$ [Halloran] *bold* \\ "quoted" <label>'
    issued = ca.issue("Ruth Halloran")
    from asn1crypto import x509
    from cryptography.hazmat.primitives.serialization import Encoding as Enc

    cert = x509.Certificate.load(issued.cert.public_bytes(Enc.DER))
    out = tmp_path / "stamp.pdf"
    out.write_bytes(stamp_pdf((255.0, 62.0), hostile, ROLES[0], cert, NOW))
    text = subprocess.run(
        ["pdftotext", "-raw", str(out), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert hostile in " ".join(text.split())
    assert "as the author" in text
