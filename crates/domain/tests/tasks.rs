#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Task files: any bytes are read without panicking, and what Ward writes it reads back.
use proptest::prelude::*;
use ward_domain::tasks::{TaskLine, TaskStatus, check_task, parse_csv, write_csv};

proptest! {
    /// Any bytes: tasks or errors naming their lines, never a panic.
    #[test]
    fn any_bytes_give_tasks_or_named_errors(data in proptest::collection::vec(any::<u8>(), 0..400)) {
        if let Err(errors) = parse_csv(&data) {
            prop_assert!(errors.iter().all(|e| e.line >= 1));
        }
    }

    /// Whatever people type (quotes, separators, line breaks, formulas), a task written to a
    /// file reads back with the same fields (formula cells keep their defusing quote).
    #[test]
    fn tasks_round_trip_through_a_file(
        title in "[^\u{0}]{1,60}",
        owner in proptest::option::of("[a-z]{1,8}@[a-z]{1,8}\\.be"),
        notes in proptest::option::of("[^\u{0}]{1,80}"),
        status in prop_oneof![Just("open"), Just("in_progress"), Just("done"), Just("cancelled")],
    ) {
        prop_assume!(!title.trim().is_empty());
        let task = check_task(&title, owner.as_deref(), Some("2027-02-28"), Some(status), &["PR.DS-11.1".into()], notes.as_deref()).unwrap();
        let text = write_csv([TaskLine { id: "x", task: &task }]);
        let rows = parse_csv(text.as_bytes()).unwrap();
        prop_assert_eq!(rows.len(), 1);
        let back = &rows[0].task;
        let defused = |s: &str| if s.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{s}") } else { s.to_owned() };
        let expected = defused(&task.title);
        prop_assert_eq!(back.title.as_str(), expected.trim());
        prop_assert_eq!(back.status, TaskStatus::parse(status).unwrap());
        prop_assert_eq!(&back.requirements, &task.requirements);
        prop_assert_eq!(back.due, task.due);
    }
}
