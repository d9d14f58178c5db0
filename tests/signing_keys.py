"""A throwaway certificate authority and signers' certificates, made at test time with
`cryptography` (nothing here is a real key). Used by the signing tests and the benchmark."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

PASSWORD = "correct horse battery staple"
NOW = dt.datetime.now(dt.timezone.utc)


@dataclass
class Issued:
    name: str
    key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey
    cert: x509.Certificate
    p12: Path  # key, certificate and the CA's certificate, under PASSWORD
    pem: Path  # the certificate alone


def _name(cn: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, cn),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Northbridge Community Health NHS Trust"),
            x509.NameAttribute(NameOID.COUNTRY_NAME, "GB"),
        ]
    )


class TestCA:
    """A root CA in ``folder``; ``issue`` makes a signer's certificate and PKCS#12 file."""

    __test__ = False  # not a pytest class

    def __init__(self, folder: Path, name: str = "IMR Test Root CA"):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.key = ec.generate_private_key(ec.SECP256R1())
        subject = _name(name)
        self.cert = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(subject)
            .public_key(self.key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(NOW - dt.timedelta(days=365))
            .not_valid_after(NOW + dt.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=True,
                    crl_sign=True,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(
                x509.SubjectKeyIdentifier.from_public_key(self.key.public_key()), critical=False
            )
            .sign(self.key, hashes.SHA256())
        )
        self.pem = self.folder / f"{name.replace(' ', '-')}.pem"
        self.pem.write_bytes(self.cert.public_bytes(serialization.Encoding.PEM))

    def issue(
        self,
        cn: str,
        *,
        not_before: dt.datetime | None = None,
        not_after: dt.datetime | None = None,
        timestamping: bool = False,
        rsa_key: bool = False,
    ) -> Issued:
        # pyHanko's test timestamp authority signs with RSA only; smartcards are often RSA too
        key = (
            rsa.generate_private_key(public_exponent=65537, key_size=2048)
            if timestamping or rsa_key
            else ec.generate_private_key(ec.SECP256R1())
        )
        builder = (
            x509.CertificateBuilder()
            .subject_name(_name(cn))
            .issuer_name(self.cert.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(not_before or NOW - dt.timedelta(days=30))
            .not_valid_after(not_after or NOW + dt.timedelta(days=365))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=not timestamping,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=False,
                    crl_sign=False,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self.key.public_key()),
                critical=False,
            )
        )
        if timestamping:
            builder = builder.add_extension(
                x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True
            )
        cert = builder.sign(self.key, hashes.SHA256())
        # one file per certificate: the same person may be issued several (an expired one...)
        stem = self.folder / f"{cn.replace(' ', '-').lower()}-{cert.serial_number % 10**8}"
        p12 = stem.with_suffix(".p12")
        p12.write_bytes(
            pkcs12.serialize_key_and_certificates(
                cn.encode(),
                key,
                cert,
                [self.cert],
                serialization.BestAvailableEncryption(PASSWORD.encode()),
            )
        )
        pem = stem.with_suffix(".pem")
        pem.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        return Issued(cn, key, cert, p12, pem)
