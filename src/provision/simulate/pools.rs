//! Capacity pools of backend models, charged in creation order.

use std::collections::HashMap;

use super::show_bytes;
use crate::provision::backend::Backend;
use crate::provision::plan::Reason;

/// What is left of the capacity pools backend models declare, by backend and zone.
#[derive(Debug, Default)]
pub(super) struct Pools {
    used: HashMap<(String, Option<String>), i128>,
}

impl Pools {
    /// Charges `bytes` to the pool that serves `zone` (a zone's own pool, else a pool for every
    /// zone); backends without pools have no limit.
    #[expect(
        clippy::result_large_err,
        reason = "the refusal is the Plan's own reason, moved into it once per refused claim"
    )]
    pub(super) fn take(
        &mut self,
        backend: &Backend,
        zone: Option<&str>,
        bytes: i128,
    ) -> Result<(), Reason> {
        let pool = backend
            .capacity
            .iter()
            .find(|pool| pool.zone.is_some() && pool.zone.as_deref() == zone)
            .or_else(|| backend.capacity.iter().find(|pool| pool.zone.is_none()));
        let Some(pool) = pool else {
            return Ok(());
        };
        let capacity = pool.capacity.ceil_integer().unwrap_or(i128::MAX);
        let used = self
            .used
            .entry((backend.name.clone(), pool.zone.clone()))
            .or_insert(0);
        if *used + bytes > capacity {
            let place = pool
                .zone
                .as_ref()
                .map_or_else(String::new, |zone| format!(" in zone `{zone}`"));
            return Err(Reason::new(
                "capacity-exceeded",
                format!(
                    "`{}` has {} of capacity{place}, and earlier claims use {} of it",
                    backend.name,
                    pool.capacity.as_written(),
                    show_bytes(*used)
                ),
            )
            .value(pool.capacity.as_written()));
        }
        *used += bytes;
        Ok(())
    }
}
