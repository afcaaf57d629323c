"""A SAML identity provider inside the test: pysaml2's IdP server classes with a freshly
generated self-signed certificate. It publishes its metadata, reads the SP's metadata,
answers an AuthnRequest (from the redirect URL the SP sent the browser to) with a
signed assertion, and can misbehave on demand (unsigned, another key, another person)."""

from __future__ import annotations

import base64
import datetime as dt
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from saml2 import BINDING_HTTP_REDIRECT
from saml2.config import IdPConfig
from saml2.metadata import entity_descriptor
from saml2.saml import NAME_FORMAT_URI, NAMEID_FORMAT_EMAILADDRESS, NameID
from saml2.server import Server

ENTITY_ID = "https://idp.example.test/saml"
SSO_URL = "https://idp.example.test/saml/sso"


def self_signed(directory: Path, name: str) -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    moment = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(moment - dt.timedelta(days=1))
        .not_valid_after(moment + dt.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    key_file, cert_file = directory / f"{name}.key", directory / f"{name}.crt"
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return str(key_file), str(cert_file)


class IdentityProvider:
    def __init__(self, directory: Path, name: str = "idp") -> None:
        self.key_file, self.cert_file = self_signed(directory, name)
        self.sp_metadata: str | None = None

    def _config(self) -> IdPConfig:
        config = IdPConfig()
        config.load(
            {
                "entityid": ENTITY_ID,
                "xmlsec_binary": "/usr/bin/xmlsec1",
                "key_file": self.key_file,
                "cert_file": self.cert_file,
                "service": {
                    "idp": {
                        "endpoints": {"single_sign_on_service": [(SSO_URL, BINDING_HTTP_REDIRECT)]},
                        "name_id_format": [NAMEID_FORMAT_EMAILADDRESS],
                        "policy": {
                            "default": {
                                "lifetime": {"minutes": 5},
                                "attribute_restrictions": None,
                                "name_form": NAME_FORMAT_URI,
                            }
                        },
                    }
                },
                "metadata": {"inline": [self.sp_metadata]} if self.sp_metadata else {},
            }
        )
        return config

    def metadata(self) -> str:
        return str(entity_descriptor(self._config()).to_string().decode())

    def answer(
        self, location: str, email: str, *, signed: bool = True, name: str = "Bob Builder"
    ) -> dict[str, str]:
        """The form the browser POSTs to the SP's ACS after signing in at this IdP."""
        assert location.startswith(SSO_URL), location
        query = parse_qs(urlsplit(location).query)
        server = Server(config=self._config())
        request = server.parse_authn_request(query["SAMLRequest"][0], BINDING_HTTP_REDIRECT)
        response = server.create_authn_response(
            identity={"mail": [email], "displayName": [name]},
            in_response_to=request.message.id,
            destination=request.message.assertion_consumer_service_url,
            sp_entity_id=request.message.issuer.text,
            name_id=NameID(format=NAMEID_FORMAT_EMAILADDRESS, text=email),
            authn={"class_ref": "urn:oasis:names:tc:SAML:2.0:ac:classes:Password"},
            sign_assertion=signed,
            sign_response=False,
        )
        encoded = base64.b64encode(str(response).encode()).decode()
        return {"SAMLResponse": encoded, "RelayState": query["RelayState"][0]}
