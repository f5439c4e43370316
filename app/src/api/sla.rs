//! Service levels: the policies, working week and holidays their clocks count in.

use crate::dto::ServiceLevels;

endpoint! {
    "sla/levels" for Admin => pub async fn get_service_levels() -> ServiceLevels |caller| {
        crate::server::sla::levels(&caller.state).await
    }
}

endpoint! {
    "sla/set_levels" for Admin => pub async fn set_service_levels(input: ServiceLevels) -> ServiceLevels |caller| {
        let levels = crate::server::sla::set_levels(&caller.state, &input).await?;
        let detail = format!("{} policies", levels.policies.len());
        caller.audit(crate::audit::Action::ServiceLevelsSet, None, &detail).await?;
        Ok(levels)
    }
}
