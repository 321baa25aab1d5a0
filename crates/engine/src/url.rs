//! Urls the engine reads and writes: which urls are safe to show, making the snapshot's
//! shop-relative urls absolute, tagging links for attribution, the one percent-encoder, and
//! Shopify's discount link.

/// `utm_source` of every link crossbuy hands out.
pub const UTM_SOURCE: &str = "crossbuy";

/// True for `http://…`, `https://…` and relative urls (`/x`, `x/y`, `?q`), false for any other
/// scheme and for protocol-relative `//host`, which would leave the shop's origin unannounced.
pub fn is_safe_url(s: &str) -> bool {
    let t = s.trim();
    if t.is_empty() || t.chars().any(|c| c.is_control()) {
        return false;
    }
    let lower = t.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") {
        return true;
    }
    if t.starts_with("//") || t.starts_with("\\") || t.starts_with("/\\") {
        return false;
    }
    // A scheme is letters, digits, `+`, `-`, `.` before the first `:` that precedes any
    // `/`, `?` or `#`; such a url is not relative.
    !matches!(t.find([':', '/', '?', '#']), Some(i) if t.as_bytes()[i] == b':')
}

/// Makes a shop-relative url absolute with `origin` (`https://shop.example`); absolute urls and
/// an empty origin leave it as it is.
pub fn absolute(url: &str, origin: &str) -> String {
    let url = url.trim();
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    if origin.is_empty() || lower.starts_with("http://") || lower.starts_with("https://") {
        return url.to_owned();
    }
    let mut out = origin.trim_end_matches('/').to_owned();
    if !url.starts_with('/') {
        out.push('/');
    }
    out.push_str(url);
    out
}

/// Tags a product url for attribution: `utm_source=crossbuy&utm_medium=<medium>&utm_campaign=
/// <campaign>`, added to the query (replacing any `utm_source`, `utm_medium` or `utm_campaign`
/// already there) before the fragment, and made absolute with `origin` (may be empty to keep a
/// relative url). The widget uses medium `widget` and the page kind as campaign; signals for
/// the email sequence use `email` and `signals::EMAIL_CAMPAIGN`.
pub fn tag_url(url: &str, origin: &str, medium: &str, campaign: &str) -> String {
    let url = absolute(url, origin);
    let (rest, fragment) = match url.find('#') {
        Some(i) => url.split_at(i),
        None => (url.as_str(), ""),
    };
    let (path, query) = match rest.find('?') {
        Some(i) => (&rest[..i], &rest[i + 1..]),
        None => (rest, ""),
    };
    let mut out = path.to_owned();
    out.push('?');
    for param in query.split('&').filter(|p| !p.is_empty()) {
        let name = param.split('=').next().unwrap_or("");
        if !matches!(name, "utm_source" | "utm_medium" | "utm_campaign") {
            out.push_str(param);
            out.push('&');
        }
    }
    for (name, value) in [
        ("utm_source=", UTM_SOURCE),
        ("&utm_medium=", medium),
        ("&utm_campaign=", campaign),
    ] {
        out.push_str(name);
        percent_encode(&mut out, value, b"");
    }
    out.push_str(fragment);
    out
}

/// The link that makes Shopify apply `code` and then go to `redirect`:
/// `{root}discount/{CODE}?redirect={path}`. The code is percent-encoded; `redirect` must be a
/// path on the shop (`/cart`), anything else is left out so the link cannot lead off the shop.
pub fn discount_url(root: &str, code: &str, redirect: &str) -> String {
    let mut url = String::with_capacity(root.len() + code.len() + redirect.len() + 24);
    url.push_str(root);
    if !root.ends_with('/') {
        url.push('/');
    }
    url.push_str("discount/");
    percent_encode(&mut url, code, b"");
    let r = redirect.trim();
    let on_shop = r.starts_with('/')
        && !r.starts_with("//")
        && !r.starts_with("/\\")
        && !r.chars().any(char::is_control);
    if on_shop {
        url.push_str("?redirect=");
        percent_encode(&mut url, r, b"/");
    }
    url
}

/// A Shopify cart permalink (the legacy `/cart/` form, which takes cart attributes; Shopify's
/// `/buy` links take none): `{root}cart/{variant}:1,…`, then `?discount={code}` when an offer's
/// code applies, then, on a page in an experiment (`arm`: the arm's value and the page kind),
/// the attributes the order will carry as its `Note Attributes`, as the widget writes them into
/// a cart (`crate::experiment`): `attributes[_crossbuy_arm]`, `attributes[_crossbuy_page]` and
/// one `attributes[_crossbuy_added_{product}]=1` per item. `items` are `(variant, product)`.
pub fn cart_permalink(
    root: &str,
    items: &[(&str, &str)],
    code: Option<&str>,
    arm: Option<(&str, &str)>,
) -> String {
    use crate::experiment::{ADDED_ATTRIBUTE, ARM_ATTRIBUTE, PAGE_ATTRIBUTE};
    let mut url = root.to_owned() + "cart/";
    for (i, (variant, _)) in items.iter().enumerate() {
        if i > 0 {
            url.push(',');
        }
        encode_uri_component(&mut url, variant);
        url.push_str(":1");
    }
    let mut query = String::new();
    // `name{more}` (inside `attributes[…]` for an attribute) `=value`, percent-encoded.
    let mut pair = |attribute: bool, name: &str, more: &str, value: &str| {
        query.push(if query.is_empty() { '?' } else { '&' });
        if attribute {
            query.push_str("attributes%5B");
        }
        encode_uri_component(&mut query, name);
        encode_uri_component(&mut query, more);
        if attribute {
            query.push_str("%5D");
        }
        query.push('=');
        encode_uri_component(&mut query, value);
    };
    if let Some(code) = code {
        pair(false, "discount", "", code);
    }
    if let Some((value, page)) = arm {
        pair(true, ARM_ATTRIBUTE, "", value);
        pair(true, PAGE_ATTRIBUTE, "", page);
        for (_, product) in items {
            pair(true, ADDED_ATTRIBUTE, product, "1");
        }
    }
    url + &query
}

/// Appends `s` percent-encoded as JavaScript's `encodeURIComponent` does (every byte but
/// `A-Z a-z 0-9 - _ . ! ~ * ' ( )` as `%XX`), without a call into JavaScript.
pub fn encode_uri_component(out: &mut String, s: &str) {
    percent_encode(out, s, b"!*'()");
}

/// Appends `s` with every byte except RFC 3986 unreserved ones (`A-Z a-z 0-9 - . _ ~`) and
/// `keep` as `%XX`: the one percent-encoder (a query component with `keep` empty).
pub fn percent_encode(out: &mut String, s: &str, keep: &[u8]) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) || keep.contains(&b) {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cart_permalink_carries_the_code_and_the_experiments_attributes() {
        let items = [("40001", "tea"), ("spoon 1", "spoon&co")];
        assert_eq!(
            cart_permalink("/", &items[..1], None, None),
            "/cart/40001:1"
        );
        assert_eq!(
            cart_permalink("/fr/", &items, Some("TEN OFF"), None),
            "/fr/cart/40001:1,spoon%201:1?discount=TEN%20OFF"
        );
        // In an experiment: the arm, the page and each added product, as cart attributes
        // (what Shopify lists as the order's Note Attributes, and `crossbuy report` reads).
        let url = cart_permalink(
            "/",
            &items,
            Some("TEN"),
            Some(("fbt-2026:crossbuy", "thank_you")),
        );
        assert_eq!(
            url,
            "/cart/40001:1,spoon%201:1?discount=TEN\
             &attributes%5B_crossbuy_arm%5D=fbt-2026%3Acrossbuy\
             &attributes%5B_crossbuy_page%5D=thank_you\
             &attributes%5B_crossbuy_added_tea%5D=1\
             &attributes%5B_crossbuy_added_spoon%26co%5D=1"
        );
        assert_eq!(
            cart_permalink("/", &items[..1], None, Some(("e:a", "thank_you"))),
            "/cart/40001:1?attributes%5B_crossbuy_arm%5D=e%3Aa&attributes%5B_crossbuy_page%5D=thank_you&attributes%5B_crossbuy_added_tea%5D=1"
        );
        // Decoded as a server decodes a query, the names are the attributes' own.
        let query = url.split_once('?').unwrap().1;
        let names: Vec<String> = query
            .split('&')
            .map(|kv| decode(kv.split_once('=').unwrap().0))
            .collect();
        assert_eq!(
            names,
            [
                "discount",
                "attributes[_crossbuy_arm]",
                "attributes[_crossbuy_page]",
                "attributes[_crossbuy_added_tea]",
                "attributes[_crossbuy_added_spoon&co]"
            ]
        );
    }

    /// Percent-decoding, for the test.
    fn decode(s: &str) -> String {
        let b = s.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < b.len() {
            if b[i] == b'%' {
                out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
                i += 3;
            } else {
                out.push(b[i]);
                i += 1;
            }
        }
        String::from_utf8(out).unwrap()
    }

    /// `tag_url` with `-` for an empty origin.
    fn tagged(url: &str, origin: &str, medium: &str, campaign: &str) -> String {
        tag_url(url, origin.trim_start_matches('-'), medium, campaign)
    }

    #[test]
    fn urls_are_tagged_for_attribution() {
        let o = "https://shop.example";
        for ((url, origin, medium, campaign), expected) in [
            (
                ("/products/lantern", o, "email", "post_purchase"),
                "https://shop.example/products/lantern?utm_source=crossbuy&utm_medium=email&utm_campaign=post_purchase",
            ),
            (
                ("/products/lantern?variant=7#reviews", o, "widget", "thank_you"),
                "https://shop.example/products/lantern?variant=7&utm_source=crossbuy&utm_medium=widget&utm_campaign=thank_you#reviews",
            ),
            (
                ("https://cdn.example/p?utm_source=old&a=1&utm_medium=x&&", "-", "email", "spring&sale"),
                "https://cdn.example/p?a=1&utm_source=crossbuy&utm_medium=email&utm_campaign=spring%26sale",
            ),
            (
                ("products/mug#top", "https://shop.example/", "widget", "cart"),
                "https://shop.example/products/mug?utm_source=crossbuy&utm_medium=widget&utm_campaign=cart#top",
            ),
            (
                ("/p?#x", "-", "widget", "product"),
                "/p?utm_source=crossbuy&utm_medium=widget&utm_campaign=product#x",
            ),
        ] {
            assert_eq!(tagged(url, origin, medium, campaign), expected, "{url}");
        }
    }

    #[test]
    fn discount_links_apply_the_code_and_stay_on_the_shop() {
        for ((root, code, redirect), expected) in [
            (("/", "THANKS20", "/cart"), "/discount/THANKS20?redirect=/cart"),
            (
                ("/", "SUMMER SALE/20%&x=1", "/cart"),
                "/discount/SUMMER%20SALE%2F20%25%26x%3D1?redirect=/cart",
            ),
            (
                ("https://shop.example/en-ca/", "CAFÉ", "/checkouts/c/abc?step=payment&x=#y"),
                "https://shop.example/en-ca/discount/CAF%C3%89?redirect=/checkouts/c/abc%3Fstep%3Dpayment%26x%3D%23y",
            ),
            (("/fr", "A", "https://evil.example/"), "/fr/discount/A"),
            (("/", "A", "//evil.example/"), "/discount/A"),
            (("/", "A", ""), "/discount/A"),
        ] {
            assert_eq!(discount_url(root, code, redirect), expected, "{code}");
        }
    }

    #[test]
    fn encode_uri_component_leaves_what_javascript_leaves() {
        // encodeURIComponent("a b!*'()-_.~é/:,?#&=+%") in a browser.
        let mut out = String::new();
        encode_uri_component(&mut out, "a b!*'()-_.~é/:,?#&=+%");
        assert_eq!(out, "a%20b!*'()-_.~%C3%A9%2F%3A%2C%3F%23%26%3D%2B%25");
    }

    #[test]
    fn only_http_and_relative_urls_are_safe() {
        for ok in [
            "https://cdn.example/x.png",
            "HTTP://a",
            "/products/a",
            "img/a.svg",
            "?x=1",
            "/caf\u{e9}/\u{a0}\u{100}",
            "/\u{c2}\u{a2}",
            "a?b:c",
            "#x:y",
            "x/y:z",
            " http://a ",
            "HTTPS://a",
        ] {
            assert!(is_safe_url(ok), "{ok}");
        }
        for bad in [
            "javascript:alert(1)",
            " JavaScript:alert(1)",
            "data:text/html,x",
            "//evil.example/x",
            "\\\\evil",
            "",
            "java\nscript:x",
            "vbscript:x",
            "/a\u{7f}b",
            "/a\u{85}b",
            "/a\u{9f}",
            "\u{0}",
            "hTtPs:x\u{1}",
            "https:x",
        ] {
            assert!(!is_safe_url(bad), "{bad}");
        }
    }

    #[test]
    fn relative_urls_become_absolute_on_the_shop() {
        for ((url, origin), expected) in [
            (
                ("/products/a", "https://shop.example/"),
                "https://shop.example/products/a",
            ),
            (
                ("img/a.png", "https://shop.example"),
                "https://shop.example/img/a.png",
            ),
            (
                ("HTTPS://cdn.example/a", "https://shop.example"),
                "HTTPS://cdn.example/a",
            ),
            ((" /a ", ""), "/a"),
        ] {
            assert_eq!(absolute(url, origin), expected, "{url}");
        }
    }
}
