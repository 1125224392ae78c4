#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The minimum path to pass is cheapest: equal to a brute-force search on small catalogs, and on
//! the real catalog it passes and is never dearer than the greedy suggestion.

use proptest::prelude::*;
use ward_domain::cyfun::{
    Answer, Answers, Catalog, Dimension, Framework, Increase, Level, NoPath, Thresholds, minimum_path,
    verdict,
};

const SMALL: &str = r#"
framework = "test"
requirements_version = "t"
source = "test"
[[functions]]
id = "PR"
name = { en = "P", nl = "P", fr = "P" }
[[categories]]
id = "PR.AA"
name = { en = "A", nl = "A", fr = "A" }
scoring_groups = [["PR.AA-01.1", "PR.AA-01.2"], ["PR.AA-02.1"]]
implementation_groups = [["PR.AA-01.1", "PR.AA-01.2"]]
[[categories]]
id = "PR.DS"
name = { en = "D", nl = "D", fr = "D" }
scoring_groups = [["PR.DS-01.1"]]
[[requirements]]
id = "PR.AA-01.1"
level = "basic"
key_measure_from = "basic"
not_applicable_allowed = false
[[requirements]]
id = "PR.AA-01.2"
level = "basic"
[[requirements]]
id = "PR.AA-02.1"
level = "basic"
[[requirements]]
id = "PR.DS-01.1"
level = "basic"
"#;

fn small() -> Catalog {
    let titles = ["PR.AA-01.1", "PR.AA-01.2", "PR.AA-02.1", "PR.DS-01.1"]
        .iter()
        .map(|id| format!("[\"{id}\"]\nen = \"t\"\nnl = \"t\"\nfr = \"t\"\n"))
        .collect::<String>();
    Catalog::parse(Framework::Cyfun2025, SMALL, &titles).unwrap()
}

fn thresholds(total: f64, key: f64, category: Option<f64>) -> Thresholds {
    let level = |name: &str| {
        format!(
            "[{name}]\ntotal = {total}\nkey_measure = {key}\n{}max_not_applicable = 5\nsource = \"t\"\nconfirmed = true\n",
            category.map(|c| format!("category = {c}\n")).unwrap_or_default()
        )
    };
    Thresholds::parse(&format!("{}{}{}", level("basic"), level("important"), level("essential"))).unwrap()
}

fn apply(c: &Catalog, answers: &Answers, increases: &[Increase]) -> Answers {
    let mut a = answers.clone();
    for inc in increases {
        let i = c.position(&inc.requirement).unwrap();
        if let Answer::Scored { documentation, implementation } = a.effective(i) {
            let (d, m) = match inc.dimension {
                Dimension::Documentation => (inc.to, implementation.value()),
                Dimension::Implementation => (documentation.value(), inc.to),
            };
            a.set(c, &inc.requirement, Some(Answer::scored(d, m).unwrap())).unwrap();
        }
    }
    a
}

/// The cheapest passing raise of `start`, by trying every combination.
fn brute_force(c: &Catalog, start: &[(u8, u8)], weights: &[u32], t: &Thresholds) -> Option<u32> {
    let n = start.len();
    let mut best: Option<u32> = None;
    let mut current: Vec<(u8, u8)> = start.to_vec();
    fn walk(
        k: usize,
        c: &Catalog,
        start: &[(u8, u8)],
        weights: &[u32],
        t: &Thresholds,
        current: &mut Vec<(u8, u8)>,
        best: &mut Option<u32>,
    ) {
        if k == start.len() {
            let mut a = Answers::new(c);
            for (r, (d, m)) in c.requirements.iter().zip(current.iter()) {
                a.set(c, &r.id, Some(Answer::scored(*d, *m).unwrap())).unwrap();
            }
            if verdict(c, Level::Basic, &a, t).pass {
                let cost: u32 = current
                    .iter()
                    .zip(start)
                    .zip(weights)
                    .map(|((now, was), w)| (u32::from(now.0 - was.0) + u32::from(now.1 - was.1)) * w)
                    .sum();
                if best.is_none_or(|b| cost < b) {
                    *best = Some(cost);
                }
            }
            return;
        }
        for d in start[k].0..=5 {
            for m in start[k].1..=5 {
                current[k] = (d, m);
                walk(k + 1, c, start, weights, t, current, best);
            }
        }
        current[k] = start[k];
    }
    walk(0, c, start, weights, t, &mut current, &mut best);
    let _ = n;
    best
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    /// On a small catalog with scoring groups of different sizes, a key measure, a category floor
    /// and a documentation-only requirement (as PR.AA-06 in the workbook), the path costs exactly
    /// what an exhaustive search finds, and applying it passes.
    #[test]
    fn the_path_is_as_cheap_as_an_exhaustive_search(
        start in proptest::collection::vec((1u8..=5, 1u8..=5), 4),
        weights in proptest::collection::vec(prop_oneof![Just(1u32), Just(2), Just(4)], 4),
        total in prop_oneof![Just(2.5), Just(3.0), Just(3.5)],
        floor in prop_oneof![Just(None), Just(Some(3.0))],
    ) {
        let c = small();
        let t = thresholds(total, 3.0, floor);
        let mut a = Answers::new(&c);
        for (r, (d, m)) in c.requirements.iter().zip(&start) {
            a.set(&c, &r.id, Some(Answer::scored(*d, *m).unwrap())).unwrap();
        }
        let weight = |r: &ward_domain::cyfun::Requirement| weights[c.position(&r.id).unwrap()];
        let expected = brute_force(&c, &start, &weights, &t);
        match minimum_path(&c, Level::Basic, &a, &t, weight) {
            Ok(path) => {
                prop_assert_eq!(Some(path.cost), expected);
                prop_assert!(verdict(&c, Level::Basic, &apply(&c, &a, &path.increases), &t).pass);
                let cost: u32 = path.increases.iter().map(|i| u32::from(i.to - i.from) * weight(c.requirement(&i.requirement).unwrap())).sum();
                prop_assert_eq!(cost, path.cost);
            }
            Err(NoPath::Unreachable) => prop_assert_eq!(expected, None),
            Err(e) => prop_assert!(false, "{e:?}"),
        }
    }
}

#[test]
fn a_passing_level_needs_nothing_and_broken_na_rules_are_named() {
    let c = Framework::Cyfun2025.catalog();
    let t = Thresholds::embedded();
    let mut a = Answers::new(c);
    for r in &c.requirements {
        a.set(c, &r.id, Some(Answer::scored(4, 4).unwrap())).unwrap();
    }
    let path = minimum_path(c, Level::Essential, &a, t, |_| 1).unwrap();
    assert!(path.increases.is_empty() && path.cost == 0);
    let key = c.requirements.iter().find(|r| r.key_measure_from.is_some()).unwrap();
    a.set(c, &key.id, Some(Answer::NotApplicable)).unwrap();
    assert!(matches!(minimum_path(c, Level::Essential, &a, t, |_| 1), Err(NoPath::Answers { .. })));
}

#[test]
fn a_blank_essential_assessment_has_a_path_that_passes() {
    let c = Framework::Cyfun2025.catalog();
    let t = Thresholds::embedded();
    let a = Answers::new(c);
    let path = minimum_path(c, Level::Essential, &a, t, |_| 1).unwrap();
    assert!(verdict(c, Level::Essential, &apply(c, &a, &path.increases), t).pass);
    // 218 requirements from 1 to an average of 3.5 is at least 2.5 × 2 points each, give or take
    // the weighting of groups: the path is in the hundreds, not thousands.
    assert!(path.points > 300 && path.points < 1100, "{}", path.points);
}

fn arb_answers() -> impl Strategy<Value = Answers> {
    let c = Framework::Cyfun2025.catalog();
    proptest::collection::vec((1u8..=5, 1u8..=5), c.requirements.len()).prop_map(|scores| {
        let c = Framework::Cyfun2025.catalog();
        let mut a = Answers::new(c);
        for (r, (d, i)) in c.requirements.iter().zip(scores) {
            a.set(c, &r.id, Some(Answer::scored(d, i).unwrap())).unwrap();
        }
        a
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// On the real catalog: the path passes, and costs what its increases say.
    #[test]
    fn on_the_real_catalog_the_path_passes(a in arb_answers(), level in prop_oneof![Just(Level::Basic), Just(Level::Important), Just(Level::Essential)]) {
        let c = Framework::Cyfun2025.catalog();
        let t = Thresholds::embedded();
        let path = minimum_path(c, level, &a, t, |_| 1).unwrap();
        prop_assert!(verdict(c, level, &apply(c, &a, &path.increases), t).pass);
        let points: u32 = path.increases.iter().map(|i| u32::from(i.to - i.from)).sum();
        prop_assert_eq!(points, path.points);
    }
}
