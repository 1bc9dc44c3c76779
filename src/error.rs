//! Library errors. Each carries the path it concerns; none ever carries page, cookie or login
//! content, because error messages end up in reports and logs.

use std::io;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("{path} is a link; gomme never follows links")]
    Link { path: PathBuf },
    #[error("{path} is outside {base}; not touched")]
    Outside { path: PathBuf, base: PathBuf },
    #[error("database {path}: {source}")]
    Sqlite {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
    #[error("{path} is damaged ({what}); not changed")]
    Damaged { path: PathBuf, what: String },
    #[error("database {path}: {what}; not changed")]
    Schema { path: PathBuf, what: String },
    /// A file or folder gomme will not act on as it is: a hard link, another account's file,
    /// something that is not a regular file, a mount point.
    #[error("{path} {why}")]
    Refused { path: PathBuf, why: String },
}

impl Error {
    pub fn io(path: impl Into<PathBuf>, source: io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

impl Error {
    /// The same error, naming `path` (a database rather than its scratch copy).
    pub fn at(self, path: &std::path::Path) -> Self {
        match self {
            Error::Sqlite { source, .. } => Error::Sqlite {
                path: path.into(),
                source,
            },
            Error::Schema { what, .. } => Error::Schema {
                path: path.into(),
                what,
            },
            other => other,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
