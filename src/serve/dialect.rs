//! Which of the two APIs a request speaks.

/// The two API dialects one server speaks. DriftQ v1's endpoints answer as DriftQ does (an
/// unknown topic or group is a 400; payloads are text with a base64 twin when not UTF-8), so its
/// SDKs run unchanged; the resource-style extensions answer REST-style (404; payloads as
/// `{"base64": …}` when binary).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dialect {
    DriftQ,
    Resource,
}
