//! Storage locality: reading `COCKROACH_LOCALITY` lists (`util`) and the per-file index of what
//! earlier backups wrote where (`index`).

pub mod index;
pub mod util;
