//! Fair assignment: the floor and each operator's plan (admins), the break switch (operators).

use crate::dto::{Floor, OperatorDuty, OperatorPlan, WorkHistory};

endpoint! {
    /// Every operator's duty, load and plan, and the spread among those on duty.
    "assignment/floor" for Admin => pub async fn floor_view() -> Floor |caller| {
        use crate::server::assignment;
        assignment::floor(&caller.state).await
    }
}

endpoint! {
    /// Capacity, skills, working hours and days off of one operator.
    "assignment/set_plan" for Admin => pub async fn set_plan(input: OperatorPlan) -> Floor |caller| {
        use crate::server::assignment;
        let floor = assignment::set_plan(&caller.state, &input).await?;
        let detail = format!("capacity {}", input.capacity);
        caller.audit(crate::audit::Action::PlanSet, Some(input.operator_id), &detail).await?;
        Ok(floor)
    }
}

endpoint! {
    /// The operator's own duty.
    "assignment/my_duty" for Operator => pub async fn my_duty() -> OperatorDuty |caller| {
        use crate::server::assignment;
        assignment::my_duty(&caller.state, caller.session()?).await
    }
}

endpoint! {
    /// The operator's break switch.
    "assignment/set_break" for Operator => pub async fn set_break(on_break: bool) -> OperatorDuty |caller| {
        use crate::server::assignment;
        assignment::set_break(&caller.state, caller.session()?, on_break).await
    }
}

endpoint! {
    /// An operator's work history, newest first: their own for an operator, anyone's for an
    /// admin.
    "assignment/work_history" for AnyRole => pub async fn operator_work(operator_id: Option<i64>, before: Option<i64>) -> WorkHistory |caller| {
        use crate::server::{access, assignment};
        let operator = access::work_history(caller.session()?, operator_id)?;
        assignment::work_history(&caller.state, operator, before).await
    }
}
