//! TLS settings: the roots a server certificate must chain to, or the
//! fingerprints it must have.
//!
//! Check Point administrators identify a management server by the SHA-256
//! fingerprint of its certificate (often self-signed): a pinned fingerprint
//! replaces chain verification, and a mismatch is reported with the
//! fingerprint found. Handshake signatures are always verified.

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, RootCertStore, SignatureScheme};
use sha2::{Digest, Sha256};
use std::sync::{Arc, Mutex};

/// How the server certificate is checked.
#[derive(Clone, Debug, Default)]
pub(crate) struct TlsOptions {
    /// Extra trusted roots, DER.
    pub roots: Vec<CertificateDer<'static>>,
    /// Accepted SHA-256 fingerprints of the server certificate.
    pub pins: Vec<[u8; 32]>,
    /// Accept any certificate (lab use only).
    pub accept_any: bool,
}

/// The last fingerprint that failed a pin check, for the error message.
#[derive(Debug, Default)]
pub(crate) struct PinLog(Mutex<Option<String>>);

impl PinLog {
    fn record(&self, found: String) {
        if let Ok(mut slot) = self.0.lock() {
            *slot = Some(found);
        }
    }

    pub(crate) fn take_mismatch(&self) -> Option<String> {
        self.0.lock().ok().and_then(|mut slot| slot.take())
    }
}

/// Parses a hex SHA-256 fingerprint; colons and spaces are allowed, as
/// SmartConsole and openssl print them.
pub(crate) fn parse_pin(text: &str) -> Result<[u8; 32], String> {
    let hex: String = text.chars().filter(|c| !matches!(c, ':' | ' ' | '-')).collect();
    if hex.len() != 64 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err("a SHA-256 fingerprint is 64 hex digits".to_owned());
    }
    let mut out = [0u8; 32];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).map_err(|e| e.to_string())?;
    }
    Ok(out)
}

/// The SHA-256 fingerprint of a DER certificate, lower-case hex.
pub fn fingerprint(der: &[u8]) -> String {
    Sha256::digest(der).iter().map(|b| format!("{b:02x}")).collect()
}

/// Builds the rustls configuration.
pub(crate) fn client_config(options: &TlsOptions) -> Result<(rustls::ClientConfig, Arc<PinLog>), String> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut roots = RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    for root in &options.roots {
        roots.add(root.clone()).map_err(|e| format!("bad root certificate: {e}"))?;
    }
    let webpki = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
        .build()
        .map_err(|e| format!("cannot build the certificate verifier: {e}"))?;
    let log = Arc::new(PinLog::default());
    let verifier = Verifier {
        webpki,
        pins: options.pins.clone(),
        accept_any: options.accept_any,
        log: log.clone(),
        provider: provider.clone(),
    };
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    Ok((config, log))
}

#[derive(Debug)]
struct Verifier {
    webpki: Arc<WebPkiServerVerifier>,
    pins: Vec<[u8; 32]>,
    accept_any: bool,
    log: Arc<PinLog>,
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for Verifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if !self.pins.is_empty() {
            let digest: [u8; 32] = Sha256::digest(end_entity.as_ref()).into();
            if self.pins.contains(&digest) {
                return Ok(ServerCertVerified::assertion());
            }
            self.log.record(fingerprint(end_entity.as_ref()));
            return Err(rustls::Error::InvalidCertificate(CertificateError::ApplicationVerificationFailure));
        }
        if self.accept_any {
            return Ok(ServerCertVerified::assertion());
        }
        self.webpki.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider.signature_verification_algorithms.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pins_parse_with_separators() {
        let hex = "6A:3F".to_owned() + &":00".repeat(30);
        let pin = parse_pin(&hex).unwrap();
        assert_eq!(pin[0], 0x6a);
        assert_eq!(pin[1], 0x3f);
        assert!(parse_pin("abc").is_err());
        assert!(parse_pin(&"zz".repeat(32)).is_err());
    }
}
