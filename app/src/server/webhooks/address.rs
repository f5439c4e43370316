//! Where a webhook may post (SSRF): a receiver is on the internet, not on this machine or the
//! network behind it — unless the admin allowed that for the webhook explicitly. Checked on the
//! URL when a webhook is registered, and on every address its host resolves to before each post
//! (a name may point elsewhere later); the post then goes to the address checked.

use crate::error::{AppError, Field, Problem};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

/// An address on this machine, its links, or a private or reserved network.
pub fn is_internal(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => internal_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => internal_v4(v4),
            None => internal_v6(v6),
        },
    }
}

fn internal_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        // Shared address space (carrier-grade NAT), 100.64.0.0/10.
        || (a == 100 && (64..128).contains(&b))
        // IETF protocol assignments, benchmarking, and the reserved 240.0.0.0/4.
        || (a == 192 && b == 0 && ip.octets()[2] == 0)
        || (a == 198 && (18..20).contains(&b))
        || a >= 240
        || a == 0
}

fn internal_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_multicast()
        // Unique local fc00::/7 and link-local fe80::/10.
        || (first & 0xfe00) == 0xfc00
        || (first & 0xffc0) == 0xfe80
        // Documentation 2001:db8::/32.
        || (first == 0x2001 && ip.segments()[1] == 0x0db8)
}

/// A webhook's URL, checked: http or https, a host, no user or password in it.
pub fn parse(url: &str) -> Result<url::Url, AppError> {
    let bad = || AppError::invalid(Field::WebhookUrl, Problem::Malformed);
    let parsed = url::Url::parse(url.trim()).map_err(|_| bad())?;
    if !matches!(parsed.scheme(), "http" | "https")
        || parsed.host_str().is_none_or(str::is_empty)
        || !parsed.username().is_empty()
        || parsed.password().is_some()
    {
        return Err(bad());
    }
    Ok(parsed)
}

/// The addresses `url`'s host resolves to, each allowed (`allow_internal`, or none internal).
/// Refused: the field names the URL, and the problem says it is internal or not found.
pub async fn resolve(url: &url::Url, allow_internal: bool) -> Result<Vec<SocketAddr>, AppError> {
    let host = url.host_str().unwrap_or_default();
    let port = url.port_or_known_default().unwrap_or(80);
    // An IPv6 literal comes bracketed.
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let addresses: Vec<SocketAddr> = tokio::net::lookup_host((host, port))
        .await
        .map(Iterator::collect)
        .unwrap_or_default();
    if addresses.is_empty() {
        return Err(AppError::invalid(Field::WebhookUrl, Problem::NotFound));
    }
    if !allow_internal && addresses.iter().any(|a| is_internal(a.ip())) {
        return Err(AppError::invalid(Field::WebhookUrl, Problem::Internal));
    }
    Ok(addresses)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_machine_and_private_networks_are_internal() {
        for internal in [
            "127.0.0.1",
            "127.8.0.1",
            "0.0.0.0",
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "224.0.0.1",
            "255.255.255.255",
            "::1",
            "::",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
        ] {
            assert!(is_internal(internal.parse().unwrap()), "{internal}");
        }
        for public in ["93.184.216.34", "1.1.1.1", "172.32.0.1", "2606:4700::1111"] {
            assert!(!is_internal(public.parse().unwrap()), "{public}");
        }
    }

    #[test]
    fn only_plain_http_urls_with_a_host_are_receivers() {
        assert!(parse("https://hooks.example.com/salter").is_ok());
        assert!(parse(" http://93.184.216.34:8080/x ").is_ok());
        for bad in [
            "ftp://example.com/",
            "file:///etc/passwd",
            "https://user:pw@example.com/",
            "not a url",
            "",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }

    #[tokio::test]
    async fn a_name_for_this_machine_is_refused_unless_allowed() {
        let url = parse("http://localhost:9/hook").unwrap();
        assert!(resolve(&url, false).await.is_err());
        assert!(resolve(&url, true).await.is_ok());
        let literal = parse("http://[::1]:9/hook").unwrap();
        assert!(resolve(&literal, false).await.is_err());
    }
}
