//! HTTPS with a certificate made at start: a CA, and a server certificate
//! for `127.0.0.1` and `localhost` signed by it.

use axum::Router;
use hyper_util::rt::{TokioExecutor, TokioIo};
use rcgen::{BasicConstraints, CertificateParams, IsCa, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use sha2::{Digest, Sha256};
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio_rustls::TlsAcceptor;
use tower::ServiceExt;

pub(crate) struct Certificate {
    pub ca_pem: String,
    server_der: Vec<u8>,
    ca_der: Vec<u8>,
    key_der: Vec<u8>,
}

impl Certificate {
    pub fn generate() -> Result<Certificate, rcgen::Error> {
        let mut ca_params = CertificateParams::new(Vec::<String>::new())?;
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params.distinguished_name.push(rcgen::DnType::CommonName, "fake-server test CA");
        let ca_key = KeyPair::generate()?;
        let ca = ca_params.self_signed(&ca_key)?;
        let mut params = CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()])?;
        params.distinguished_name.push(rcgen::DnType::CommonName, "fake management server");
        let key = KeyPair::generate()?;
        let server = params.signed_by(&key, &ca, &ca_key)?;
        Ok(Certificate {
            ca_pem: ca.pem(),
            server_der: server.der().to_vec(),
            ca_der: ca.der().to_vec(),
            key_der: key.serialize_der(),
        })
    }

    /// SHA-256 of the server certificate, lower-case hex.
    pub fn fingerprint(&self) -> String {
        Sha256::digest(&self.server_der).iter().map(|b| format!("{b:02x}")).collect()
    }

    pub fn server_config(&self) -> Result<Arc<rustls::ServerConfig>, rustls::Error> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let chain = vec![CertificateDer::from(self.server_der.clone()), CertificateDer::from(self.ca_der.clone())];
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(self.key_der.clone()));
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()?
            .with_no_client_auth()
            .with_single_cert(chain, key)?;
        Ok(Arc::new(config))
    }
}

/// Accepts TLS connections until `stop` fires.
pub(crate) async fn serve(
    listener: TcpListener,
    config: Arc<rustls::ServerConfig>,
    app: Router,
    mut stop: oneshot::Receiver<()>,
) {
    let acceptor = TlsAcceptor::from(config);
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = &mut stop => return,
        };
        let Ok((tcp, _)) = accepted else { continue };
        let acceptor = acceptor.clone();
        let app = app.clone();
        tokio::spawn(async move {
            // A client that rejects the certificate ends here: fine.
            let Ok(tls) = acceptor.accept(tcp).await else { return };
            let service = hyper::service::service_fn(move |request| app.clone().oneshot(request));
            let _ = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new())
                .serve_connection(TokioIo::new(tls), service)
                .await;
        });
    }
}
