"""A CA and a leaf it signs, as the TLS ambassador makes them; `leafHours` and `earlyRenewalHours` from config."""

import pulumi
import pulumi_tls as tls

config = pulumi.Config()
ca_key = tls.PrivateKey("ca", algorithm="ECDSA", ecdsa_curve="P256")
ca = tls.SelfSignedCert(
    "ca",
    private_key_pem=ca_key.private_key_pem,
    subject={"common_name": "engine-test-ca"},
    validity_period_hours=48,
    is_ca_certificate=True,
    allowed_uses=["cert_signing"],
)
leaf_key = tls.PrivateKey("leaf", algorithm="ECDSA", ecdsa_curve="P256")
request = tls.CertRequest(
    "leaf", private_key_pem=leaf_key.private_key_pem, subject={"common_name": "leaf"}, dns_names=["leaf.test"]
)
leaf = tls.LocallySignedCert(
    "leaf",
    cert_request_pem=request.cert_request_pem,
    ca_private_key_pem=ca_key.private_key_pem,
    ca_cert_pem=ca.cert_pem,
    validity_period_hours=config.get_int("leafHours") or 24,
    early_renewal_hours=config.get_int("earlyRenewalHours") or 1,
    allowed_uses=["server_auth"],
)
pulumi.export("caCertificate", ca.cert_pem)
pulumi.export("certificate", leaf.cert_pem)
pulumi.export("validityEndTime", leaf.validity_end_time)
pulumi.export("key", leaf_key.private_key_pem)
