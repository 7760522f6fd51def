//! CockroachDB releases the dialect is checked and printed for.

use std::fmt;
use std::str::FromStr;

/// A CockroachDB release `major.minor` (patch releases share their release's grammar).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version {
    pub major: u8,
    pub minor: u8,
}

/// Shorthand for a version literal.
pub const fn v(major: u8, minor: u8) -> Version {
    Version { major, minor }
}

/// Every release from v19.1 on; 26.2 and 26.3 are development releases known from the docs.
pub const RELEASES: &[Version] = &[
    v(19, 1),
    v(19, 2),
    v(20, 1),
    v(20, 2),
    v(21, 1),
    v(21, 2),
    v(22, 1),
    v(22, 2),
    v(23, 1),
    v(23, 2),
    v(24, 1),
    v(24, 2),
    v(24, 3),
    v(25, 1),
    v(25, 2),
    v(25, 3),
    v(25, 4),
    v(26, 1),
    v(26, 2),
    v(26, 3),
];

impl Version {
    /// The default `--target-version`: the newest release whose grammar was read from source.
    pub const NEWEST: Version = v(26, 1);
    pub const OLDEST: Version = v(19, 1);
}

impl Default for Version {
    fn default() -> Self {
        Version::NEWEST
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

impl FromStr for Version {
    type Err = String;

    /// Accepts `23.1`, `v23.1` and `23.1.12` (the patch is ignored).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        let t = t.strip_prefix(['v', 'V']).unwrap_or(t);
        let mut parts = t.split('.');
        let parse = |p: Option<&str>| p.and_then(|x| x.parse::<u8>().ok());
        let (major, minor) = (parse(parts.next()), parse(parts.next()));
        let patch_ok =
            parts.next().is_none_or(|p| p.parse::<u32>().is_ok()) && parts.next().is_none();
        let list = || {
            RELEASES
                .iter()
                .map(|r| r.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        };
        match (major, minor) {
            (Some(major), Some(minor)) if patch_ok => {
                let version = v(major, minor);
                if RELEASES.contains(&version) {
                    Ok(version)
                } else {
                    Err(format!(
                        "unsupported CockroachDB version `{s}`: supported releases are {}",
                        list()
                    ))
                }
            }
            _ => Err(format!(
                "invalid version `{s}`: expected MAJOR.MINOR such as `{}`",
                Version::NEWEST
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_release_spellings() {
        assert_eq!("23.1".parse::<Version>(), Ok(v(23, 1)));
        assert_eq!("v20.2".parse::<Version>(), Ok(v(20, 2)));
        assert_eq!("24.1.3".parse::<Version>(), Ok(v(24, 1)));
        assert!(
            "18.2"
                .parse::<Version>()
                .unwrap_err()
                .contains("supported releases")
        );
        assert!(
            "latest"
                .parse::<Version>()
                .unwrap_err()
                .contains("MAJOR.MINOR")
        );
        assert!(v(20, 2) < v(21, 1) && v(9, 9) < v(19, 1));
    }
}
