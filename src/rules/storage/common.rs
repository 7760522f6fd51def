//! Shared helpers of the storage rules (semantics.md §3): every URI a statement carries with
//! the role it plays, how CockroachDB classifies its scheme, the query parameters each provider
//! accepts, Go's reading of a query string, and "did you mean" suggestions.
//!
//! Not a rule (no `pub static RULE`): `crate::rules::storage::common`.

use crate::rules::prelude::*;

/// Releases where behaviour changes (semantics.md §0, §3).
pub const V20_1: Version = v(20, 1);
pub const V20_2: Version = v(20, 2);
pub const V21_2: Version = v(21, 2);
pub const V22_2: Version = v(22, 2);
pub const V23_1: Version = v(23, 1);
pub const V24_1: Version = v(24, 1);
pub const V25_1: Version = v(25, 1);

pub use crate::analysis::facts::{Role, Target, UriRef, StatementTraits, statement_uris};

impl<'s> Target<'s> {
    /// The span of bytes `range` of the URI text in the source.
    pub fn span(&self, ctx: &StatementCtx<'_>, range: std::ops::Range<usize>) -> Span {
        ctx.value_span(self.item, range)
    }

    /// A fix replacing bytes `range` of the URI text, when the literal is plain.
    pub fn fix(
        &self,
        ctx: &StatementCtx<'_>,
        range: std::ops::Range<usize>,
        replacement: String,
        message: impl Into<String>,
        safe: bool,
    ) -> Option<Fix> {
        if !ctx.is_plain_literal(self.item) {
            return None;
        }
        let edits = vec![Edit {
            span: self.span(ctx, range),
            replacement,
        }];
        Some(if safe {
            Fix::safe(message, edits)
        } else {
            Fix::unsafe_(message, edits)
        })
    }

    /// For a URI whose host is empty but whose path starts with a name (`s3:///bucket/x`): an
    /// unsafe fix that drops the `/` so the name becomes the host, and the name itself.
    pub fn host_from_path_fix(
        &self,
        ctx: &StatementCtx<'_>,
        message: impl Fn(&str) -> String,
    ) -> Option<Fix> {
        let first = self.uri.path.trim_start_matches('/');
        let first = first.split('/').next().unwrap_or("");
        if !self.uri.path.starts_with('/') || first.is_empty() {
            return None;
        }
        let slash = self.range_of(self.uri.path).start;
        self.fix(ctx, slash..slash + 1, String::new(), message(first), false)
    }

    /// Go's reading of the query string (`url.Query()`).
    pub fn query(&self) -> GoQuery<'_, 's> {
        GoQuery::new(&self.uri)
    }
}

// ---------------------------------------------------------------------------------------------
// Providers

/// What CockroachDB does with a URI, by scheme.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Provider {
    S3,
    Gs,
    /// `azure-blob`, `azure`, `azure-storage`.
    Azure,
    Nodelocal,
    Userfile,
    Http,
    External,
    /// Registered but not for backups (`null`, `workload`): left alone.
    Other,
    AwsKms,
    GcpKms,
    AzureKms,
    ExternalKms,
}

impl Provider {
    /// The trait of a URI of this provider (`UriReading::traits`).
    pub const fn uri_trait(self) -> StatementTraits {
        StatementTraits::bit(self as u32)
    }
}

/// A storage URI whose scheme `storage_provider` rejects at the target release.
pub const UNSUPPORTED_STORAGE: StatementTraits = StatementTraits::bit(12);
/// A KMS URI whose scheme `kms_provider` rejects at the target release.
pub const UNSUPPORTED_KMS: StatementTraits = StatementTraits::bit(13);
/// A `?` in the text (every URI with a parameter has one).
pub const QUERY: StatementTraits = StatementTraits::bit(14);
/// A user before `@`.
pub const USER: StatementTraits = StatementTraits::bit(15);

const _PROVIDER_BITS_BELOW_12: () = assert!((Provider::ExternalKms as u32) < 12);

/// Why a scheme is not accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SchemeProblem {
    /// Not a scheme of this kind of URI in any release.
    Unknown,
    /// Accepted only from this release on.
    TooNew(Version),
}

/// The storage provider of `scheme` (lower case) at `target`.
pub fn storage_provider(scheme: &str, target: Version) -> Result<Provider, SchemeProblem> {
    let (p, since) = match scheme {
        "s3" => (Provider::S3, Version::OLDEST),
        "gs" => (Provider::Gs, Version::OLDEST),
        "azure" => (Provider::Azure, Version::OLDEST),
        "azure-storage" => (Provider::Azure, V22_2),
        "azure-blob" => (Provider::Azure, V23_1),
        "nodelocal" => (Provider::Nodelocal, Version::OLDEST),
        "userfile" => (Provider::Userfile, V20_2),
        "http" | "https" => (Provider::Http, Version::OLDEST),
        "external" => (Provider::External, V22_2),
        "null" | "workload" | "experimental-workload" => (Provider::Other, Version::OLDEST),
        _ => return Err(SchemeProblem::Unknown),
    };
    if target < since {
        Err(SchemeProblem::TooNew(since))
    } else {
        Ok(p)
    }
}

/// The KMS provider of `scheme` (lower case) at `target`.
pub fn kms_provider(scheme: &str, target: Version) -> Result<Provider, SchemeProblem> {
    let (p, since) = match scheme {
        "aws" | "aws-kms" => (Provider::AwsKms, V20_2),
        "gs" | "gcp-kms" => (Provider::GcpKms, V20_2),
        "azure-kms" => (Provider::AzureKms, V23_1),
        "external" => (Provider::ExternalKms, V22_2),
        _ => return Err(SchemeProblem::Unknown),
    };
    if target < since {
        Err(SchemeProblem::TooNew(since))
    } else {
        Ok(p)
    }
}

/// The provider of a target at `target`, if its scheme is accepted for its role.
pub fn provider_of(t: &Target<'_>, target: Version) -> Option<Provider> {
    if t.role.is_kms() {
        kms_provider(&t.uri.scheme, target).ok()
    } else {
        storage_provider(&t.uri.scheme, target).ok()
    }
}

/// What the storage rules read of one URI of the statement (`StatementFacts::targets`): its
/// provider and its query, each worked out once per statement (`Ctx::storage_targets`)
/// rather than once per rule.
pub struct UriReading<'a> {
    pub target: &'a Target<'a>,
    /// `provider_of` the URI at the check's target release.
    pub provider: Option<Provider>,
    query: std::cell::OnceCell<GoQuery<'a, 'a>>,
}

impl<'a> UriReading<'a> {
    pub fn of(target: &'a Target<'a>, release: Version) -> UriReading<'a> {
        UriReading {
            target,
            provider: provider_of(target, release),
            query: std::cell::OnceCell::new(),
        }
    }

    /// What the URI has (`StatementKinds::having`): its provider (or an unsupported scheme),
    /// a query, a user.
    pub fn traits(&self) -> StatementTraits {
        let t = self.target;
        let mut traits = match self.provider {
            Some(p) => p.uri_trait(),
            None if t.role.is_kms() => UNSUPPORTED_KMS,
            None => UNSUPPORTED_STORAGE,
        };
        if memchr::memchr(b'?', t.text.as_bytes()).is_some() {
            traits = traits.or(QUERY);
        }
        if t.uri.userinfo.is_some() {
            traits = traits.or(USER);
        }
        traits
    }

    /// The URI's query as CockroachDB reads it (`Target::query`), built at the first ask.
    pub fn query(&self) -> &GoQuery<'a, 'a> {
        self.query.get_or_init(|| self.target.query())
    }
}

/// A query parameter a provider accepts, from release `since` on.
pub struct ParamSpec {
    pub name: &'static str,
    pub since: Version,
}

const fn p(name: &'static str, since: Version) -> ParamSpec {
    ParamSpec { name, since }
}

const ALL: Version = Version::OLDEST;

/// `pkg/cloud/amazon/s3_storage.go`. `AWS_SKIP_CHECKSUM` is accepted without having been read
/// in source (newer releases), so that it is never reported as unknown.
static S3_PARAMS: &[ParamSpec] = &[
    p("AUTH", ALL),
    p("AWS_ACCESS_KEY_ID", ALL),
    p("AWS_SECRET_ACCESS_KEY", ALL),
    p("AWS_SESSION_TOKEN", ALL),
    p("AWS_ENDPOINT", ALL),
    p("AWS_REGION", ALL),
    p("AWS_SERVER_ENC_MODE", ALL),
    p("AWS_SERVER_KMS_ID", ALL),
    p("S3_STORAGE_CLASS", V21_2),
    p("ASSUME_ROLE", V22_2),
    p("AWS_USE_PATH_STYLE", V24_1),
    p("AWS_SKIP_CHECKSUM", V25_1),
];

/// `pkg/cloud/gcp/gcs_storage.go`.
static GS_PARAMS: &[ParamSpec] = &[
    p("AUTH", ALL),
    p("CREDENTIALS", ALL),
    p("GOOGLE_BILLING_PROJECT", ALL),
    p("BEARER_TOKEN", V22_2),
    p("ASSUME_ROLE", V22_2),
];

/// `pkg/cloud/azure/azure_storage.go`: `AZURE_ENVIRONMENT` from v22.2, app-registration and
/// implicit auth from v23.1 (absent from the v22.2 parser, which rejects them).
static AZURE_PARAMS: &[ParamSpec] = &[
    p("AZURE_ACCOUNT_NAME", ALL),
    p("AZURE_ACCOUNT_KEY", ALL),
    p("AZURE_ENVIRONMENT", V22_2),
    p("AUTH", V23_1),
    p("AZURE_CLIENT_ID", V23_1),
    p("AZURE_CLIENT_SECRET", V23_1),
    p("AZURE_TENANT_ID", V23_1),
];

/// `pkg/cloud/userfile`: no parameters.
static USERFILE_PARAMS: &[ParamSpec] = &[];

/// `pkg/cloud/amazon/aws_kms.go`.
static AWS_KMS_PARAMS: &[ParamSpec] = &[
    p("AUTH", ALL),
    p("AWS_ACCESS_KEY_ID", ALL),
    p("AWS_SECRET_ACCESS_KEY", ALL),
    p("AWS_SESSION_TOKEN", ALL),
    p("AWS_ENDPOINT", ALL),
    p("REGION", ALL),
    p("ASSUME_ROLE", V22_2),
];

/// `pkg/cloud/gcp/gcp_kms.go`.
static GCP_KMS_PARAMS: &[ParamSpec] = &[
    p("AUTH", ALL),
    p("CREDENTIALS", ALL),
    p("BEARER_TOKEN", V22_2),
    p("ASSUME_ROLE", V22_2),
];

/// `pkg/cloud/azure/azure_kms.go`.
static AZURE_KMS_PARAMS: &[ParamSpec] = &[
    p("AUTH", ALL),
    p("AZURE_VAULT_NAME", ALL),
    p("AZURE_ENVIRONMENT", ALL),
    p("AZURE_CLIENT_ID", ALL),
    p("AZURE_CLIENT_SECRET", ALL),
    p("AZURE_TENANT_ID", ALL),
];

impl Provider {
    /// The parameters the provider's parser accepts (it rejects others from v22.2), or `None`
    /// when parameters are not validated (nodelocal, external, http).
    pub fn params(self) -> Option<&'static [ParamSpec]> {
        Some(match self {
            Provider::S3 => S3_PARAMS,
            Provider::Gs => GS_PARAMS,
            Provider::Azure => AZURE_PARAMS,
            Provider::Userfile => USERFILE_PARAMS,
            Provider::AwsKms => AWS_KMS_PARAMS,
            Provider::GcpKms => GCP_KMS_PARAMS,
            Provider::AzureKms => AZURE_KMS_PARAMS,
            _ => return None,
        })
    }

    /// The word CockroachDB's "unknown … query parameters" error uses.
    pub fn error_label(self) -> &'static str {
        match self {
            Provider::S3 => "S3",
            Provider::Gs => "GS",
            Provider::Azure => "azure",
            Provider::Userfile => "userfile",
            _ => "KMS",
        }
    }

    pub fn is_kms(self) -> bool {
        matches!(
            self,
            Provider::AwsKms | Provider::GcpKms | Provider::AzureKms | Provider::ExternalKms
        )
    }
}

// ---------------------------------------------------------------------------------------------
// Go's query parsing

pub use crate::syntax::uri::query_unescape;


/// One pair as Go's `url.ParseQuery` keeps it.
#[derive(Clone, Debug)]
pub struct GoPair<'p, 'a> {
    pub key: String,
    pub value: String,
    pub param: &'p Param<'a>,
}

/// The query as CockroachDB reads it: pairs with a `;` or a malformed `%` escape are dropped
/// (Go ≥ 1.17), keys and values are unescaped, the first value of a key wins.
pub struct GoQuery<'p, 'a> {
    pub pairs: Vec<GoPair<'p, 'a>>,
}

impl<'p, 'a> GoQuery<'p, 'a> {
    pub fn new(uri: &'p StorageUri<'a>) -> GoQuery<'p, 'a> {
        let pairs = uri
            .params
            .iter()
            .filter(|p| !p.key.contains(';') && !p.raw_value.is_some_and(|v| v.contains(';')))
            .filter_map(|param| {
                Some(GoPair {
                    key: query_unescape(param.key)?.into_owned(),
                    value: query_unescape(param.raw_value.unwrap_or(""))?.into_owned(),
                    param,
                })
            })
            .collect();
        GoQuery { pairs }
    }

    /// `url.Values.Get`: the first value, `""` when absent.
    pub fn get(&self, key: &str) -> &str {
        self.pairs
            .iter()
            .find(|p| p.key == key)
            .map_or("", |p| p.value.as_str())
    }

    /// The first pair named `key`.
    pub fn pair(&self, key: &str) -> Option<&GoPair<'p, 'a>> {
        self.pairs.iter().find(|p| p.key == key)
    }

    /// Whether `key` is set to a non-empty value.
    pub fn has(&self, key: &str) -> bool {
        !self.get(key).is_empty()
    }
}

// ---------------------------------------------------------------------------------------------
// Suggestions

/// Levenshtein distance over bytes (strsim's generic form takes sized collections).
pub fn edit_distance(a: &str, b: &str) -> usize {
    strsim::generic_levenshtein(&a.as_bytes().to_vec(), &b.as_bytes().to_vec())
}

/// The candidate `name` most likely means: the same name in another case, a name whose
/// `_`-separated words contain all of `name`'s (or the other way round), or one within a
/// small edit distance.
pub fn suggest<'c>(name: &str, candidates: &[&'c str]) -> Option<&'c str> {
    if name.is_empty() {
        return None;
    }
    if let Some(c) = candidates.iter().find(|c| c.eq_ignore_ascii_case(name)) {
        return Some(c);
    }
    let upper = name.to_ascii_uppercase();
    let words = |s: &str| -> Vec<String> {
        s.split(['_', '-'])
            .filter(|w| !w.is_empty())
            .map(|w| w.to_ascii_uppercase())
            .collect()
    };
    let mine = words(&upper);
    let subset: Vec<&'c str> = candidates
        .iter()
        .copied()
        .filter(|c| {
            let theirs = words(c);
            !mine.is_empty()
                && (mine.iter().all(|w| theirs.contains(w))
                    || (theirs.len() > 1 && theirs.iter().all(|w| mine.contains(w))))
        })
        .collect();
    if subset.len() == 1 {
        return Some(subset[0]);
    }
    let limit = (upper.len() / 4).clamp(1, 3);
    let mut best: Option<(usize, &'c str)> = None;
    for c in candidates {
        let d = edit_distance(&upper, &c.to_ascii_uppercase());
        if d <= limit && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}
