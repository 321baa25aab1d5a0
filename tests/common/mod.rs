//! What the browser tests of both sides of opt-in signals share (`web_consent.rs`, the
//! widget; `web_signals.rs`, the signals module).

/// What a page's `window.Shopify` (a JS expression) can say about marketing, and whether it
/// allows it: not allowed, an API that cannot answer, and allowed (the old method name too).
pub const PRIVACY_APIS: [(&str, bool); 5] = [
    (
        "{ customerPrivacy: { marketingAllowed: () => false } }",
        false,
    ),
    ("{ customerPrivacy: {} }", false),
    (
        "{ customerPrivacy: { marketingAllowed() { throw new Error('x') } } }",
        false,
    ),
    (
        "{ customerPrivacy: { userCanBeTracked: () => true } }",
        true,
    ),
    (
        "{ customerPrivacy: { marketingAllowed: () => true } }",
        true,
    ),
];
