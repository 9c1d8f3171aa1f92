//! Links into loopback, private and link-local networks: found in the URL itself, or refused
//! when a name resolves to such an address.

/// The error [`AddressGuard`] stops a connection with: the private address a name led to.
#[derive(Debug)]
struct PrivateAddress(std::net::IpAddr);

impl std::fmt::Display for PrivateAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} is a loopback, private or link-local address", self.0)
    }
}

impl std::error::Error for PrivateAddress {}

/// Resolves names for the agent and refuses private addresses in the same step, so the
/// address checked is the address connected to: a name cannot resolve to a public address
/// for the check and to a private one for the connection (DNS rebinding).
#[derive(Debug)]
pub struct AddressGuard {
    pub allow_private: bool,
}

impl ureq::unversioned::resolver::Resolver for AddressGuard {
    fn resolve(
        &self,
        uri: &ureq::http::Uri,
        config: &ureq::config::Config,
        timeout: ureq::unversioned::transport::NextTimeout,
    ) -> Result<ureq::unversioned::resolver::ResolvedSocketAddrs, ureq::Error> {
        let addrs = ureq::unversioned::resolver::DefaultResolver::default()
            .resolve(uri, config, timeout)?;
        // A proxy from the environment is the user's own; it resolves the link's name itself.
        let is_proxy = config.proxy().is_some_and(|p| p.uri() == uri);
        if !self.allow_private && !is_proxy {
            if let Some(private) = addrs.iter().find(|a| is_private(a.ip())) {
                return Err(ureq::Error::Other(Box::new(PrivateAddress(private.ip()))));
            }
        }
        Ok(addrs)
    }
}

/// The host of an http(s) URL, without port or brackets.
fn host_name(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let authority = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    if let Some(v6) = authority.strip_prefix('[') {
        return v6.split(']').next().unwrap_or("");
    }
    authority.split(':').next().unwrap_or("")
}

/// Is `ip` one no public link should lead to: loopback, private, link-local, unspecified?
fn is_private(ip: std::net::IpAddr) -> bool {
    match ip {
        std::net::IpAddr::V4(v4) => {
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.octets()[0] == 0
                || (v4.octets()[0] == 100 && (64..128).contains(&v4.octets()[1]))
        }
        std::net::IpAddr::V6(v6) => {
            let first = v6.segments()[0];
            v6.is_loopback()
                || v6.is_unspecified()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
                || v6.to_ipv4_mapped().is_some_and(|v4| is_private(v4.into()))
        }
    }
}

/// The private address `url` names literally (an IP address, or `localhost`), found with
/// no lookup: what is refused before any connection, also when a proxy resolves names.
pub fn literal_private(url: &str) -> Option<String> {
    let host = host_name(url);
    let lower = host.to_ascii_lowercase();
    if lower == "localhost" || lower.ends_with(".localhost") {
        return Some(host.to_string());
    }
    let ip = host.parse::<std::net::IpAddr>().ok()?;
    is_private(ip).then(|| ip.to_string())
}

/// The private address a failed request was refused for, if that is why it failed.
pub fn refused_address(error: &ureq::Error) -> Option<String> {
    match error {
        ureq::Error::Other(e) => e.downcast_ref::<PrivateAddress>().map(|p| p.0.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_addresses() {
        for url in [
            "http://127.0.0.1:8080/x",
            "http://localhost/",
            "http://app.localhost/",
            "http://10.1.2.3/",
            "http://172.16.0.1/",
            "http://172.31.255.255/",
            "http://192.168.0.1/",
            "http://100.64.0.1/",
            "http://169.254.169.254/latest/meta-data",
            "http://[::1]:80/",
            "http://[fd00::1]/",
            "http://[fe80::1]/",
            "http://[::ffff:10.0.0.1]/",
            "http://0.0.0.0/",
            "http://user@127.0.0.1/",
        ] {
            assert!(literal_private(url).is_some(), "{url}");
        }
        for url in [
            "http://93.184.216.34/",
            "https://8.8.8.8/x",
            "http://172.32.0.1/",
            "http://100.128.0.1/",
            "http://[2001:db8::1]/",
            "https://example.org/",
        ] {
            assert!(literal_private(url).is_none(), "{url}");
        }
    }

    #[test]
    fn the_resolver_refuses_what_it_resolves_to_a_private_address() {
        use ureq::unversioned::resolver::Resolver;
        let config = ureq::config::Config::default();
        let uri: ureq::http::Uri = "http://localhost:9/".parse().expect("uri");
        let timeout = ureq::unversioned::transport::NextTimeout::default();
        let refused = AddressGuard {
            allow_private: false,
        }
        .resolve(&uri, &config, timeout);
        let error = refused.expect_err("localhost is loopback");
        assert!(refused_address(&error).is_some(), "{error}");
        let allowed = AddressGuard {
            allow_private: true,
        }
        .resolve(&uri, &config, timeout);
        assert!(allowed.is_ok_and(|addrs| addrs.iter().all(|a| a.ip().is_loopback())));
    }
}
