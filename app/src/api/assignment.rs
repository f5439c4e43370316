//! Fair assignment: the floor and each operator's plan (admins), the break switch (operators).

use crate::dto::{Floor, OperatorDuty, OperatorPlan, WorkHistory};

endpoint! {
    /// Every operator's duty, load and plan, and the spread among those on duty.
    "assignment/floor" => pub async fn floor_view() -> Floor {
        use crate::dto::Role;
        use crate::server::{access::Policy, assignment, gateway};
        gateway::run(Policy::Role(Role::Admin), |caller| async move {
            assignment::floor(&caller.state).await
        })
        .await
    }
}

endpoint! {
    /// Capacity, skills, working hours and days off of one operator.
    "assignment/set_plan" => pub async fn set_plan(input: OperatorPlan) -> Floor {
        use crate::dto::Role;
        use crate::server::{access::Policy, assignment, gateway};
        gateway::run(Policy::Role(Role::Admin), |caller| async move {
            assignment::set_plan(&caller.state, &input).await
        })
        .await
    }
}

endpoint! {
    /// The operator's own duty.
    "assignment/my_duty" => pub async fn my_duty() -> OperatorDuty {
        use crate::dto::Role;
        use crate::server::{access::Policy, assignment, gateway};
        gateway::run(Policy::Role(Role::Operator), |caller| async move {
            assignment::my_duty(&caller.state, caller.session()?).await
        })
        .await
    }
}

endpoint! {
    /// The operator's break switch.
    "assignment/set_break" => pub async fn set_break(on_break: bool) -> OperatorDuty {
        use crate::dto::Role;
        use crate::server::{access::Policy, assignment, gateway};
        gateway::run(Policy::Role(Role::Operator), |caller| async move {
            assignment::set_break(&caller.state, caller.session()?, on_break).await
        })
        .await
    }
}

endpoint! {
    /// An operator's work history, newest first: their own for an operator, anyone's for an
    /// admin.
    "assignment/work_history" => pub async fn operator_work(operator_id: Option<i64>, before: Option<i64>) -> WorkHistory {
        use crate::server::{access, assignment, gateway};
        gateway::run(access::Policy::AnyRole, |caller| async move {
            let operator = access::work_history(caller.session()?, operator_id)?;
            assignment::work_history(&caller.state, operator, before).await
        })
        .await
    }
}
