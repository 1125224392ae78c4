//! The CyFun catalogs, the workbook's arithmetic and the verdict.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;

use proptest::prelude::*;
use ward_domain::cyfun::{
    Answer, Answers, Dimension, Failing, Framework, Level, Thresholds, check_answers, mapping_2023_2025,
    score, verdict,
};

fn counts(framework: Framework, level: Level) -> (usize, usize) {
    let c = framework.catalog();
    let reqs = c.at_level(level).count();
    let kms = c.at_level(level).filter(|r| r.is_key_measure_at(level)).count();
    (reqs, kms)
}

#[test]
fn catalogs_have_the_official_counts() {
    use Framework::*;
    use Level::*;
    assert_eq!(counts(Cyfun2025, Basic), (34, 13));
    assert_eq!(counts(Cyfun2025, Important), (133, 22));
    assert_eq!(counts(Cyfun2025, Essential), (218, 29));
    assert_eq!(counts(Cyfun2023, Basic), (34, 13));
    assert_eq!(counts(Cyfun2023, Important), (142, 21));
    assert_eq!(counts(Cyfun2023, Essential), (221, 29));
    let c25 = Cyfun2025.catalog();
    assert_eq!((c25.functions.len(), c25.categories.len()), (6, 22));
    // The official tool v3.1 flags 16 requirements linked to the management aspects.
    assert_eq!(c25.requirements.iter().filter(|r| r.management_aspect).count(), 16);
    let c23 = Cyfun2023.catalog();
    assert_eq!((c23.functions.len(), c23.categories.len()), (5, 23));
    // Key measures and management aspects never allow N/A; everything else does.
    for c in [c25, c23] {
        for r in &c.requirements {
            assert_eq!(
                r.not_applicable_allowed,
                r.key_measure_from.is_none() && !r.management_aspect,
                "{}",
                r.id
            );
        }
    }
}

#[test]
fn every_requirement_has_a_short_title_in_three_languages() {
    for f in Framework::ALL {
        for r in &f.catalog().requirements {
            for t in [&r.title.en, &r.title.nl, &r.title.fr] {
                assert!(!t.trim().is_empty() && t.chars().count() <= 70, "{}: {t:?}", r.id);
            }
        }
    }
}

#[test]
fn the_mapping_names_real_requirements() {
    let (c23, c25) = (Framework::Cyfun2023.catalog(), Framework::Cyfun2025.catalog());
    let m = mapping_2023_2025();
    assert!(m.len() > 300);
    for x in m {
        assert!(c23.requirement(&x.from_2023).is_some(), "{}", x.from_2023);
        assert!(c25.requirement(&x.to_2025).is_some(), "{}", x.to_2025);
    }
}

#[test]
fn the_workbook_groupings_are_kept_where_they_depart_from_subcategories() {
    let c = Framework::Cyfun2025.catalog();
    assert_eq!(
        c.scoring_groups("PR.IR", Level::Essential)[2],
        vec!["PR.IR-03.1", "PR.IR-04.1"],
        "the workbook averages PR.IR-03 and PR.IR-04 in one cell"
    );
    assert_eq!(c.scoring_groups("RC.CO", Level::Essential).len(), 4);
    // The workbook's implementation average of PR.AA leaves PR.AA-06 out (PROTECT!L3 = J3:J24).
    assert_eq!(c.scoring_groups("PR.AA", Level::Essential).len(), 6);
    assert_eq!(c.implementation_groups("PR.AA", Level::Essential).len(), 5);
    let a = answers_with(&[("PR.AA-06.1", Answer::scored(5, 5).unwrap())]);
    let pr_aa = score(c, Level::Essential, &a).categories.into_iter().find(|x| x.id == "PR.AA").unwrap();
    assert_eq!((pr_aa.documentation, pr_aa.implementation), ((1.0 * 5.0 + 2.0) / 6.0, 1.0));
    // At Basic only Basic requirements count.
    assert!(
        c.scoring_groups("PR.IR", Level::Basic)
            .iter()
            .flatten()
            .all(|id| c.requirement(id).is_some_and(|r| r.level == Level::Basic))
    );
}

fn answers_with(pairs: &[(&str, Answer)]) -> Answers {
    let c = Framework::Cyfun2025.catalog();
    let map: HashMap<String, Answer> = pairs.iter().map(|(id, a)| (id.to_string(), *a)).collect();
    Answers::from_map(c, &map).unwrap()
}

fn all(framework: Framework, a: Answer) -> Answers {
    let c = framework.catalog();
    let mut answers = Answers::new(c);
    for r in &c.requirements {
        answers.set(c, &r.id, Some(a)).unwrap();
    }
    answers
}

#[test]
fn blank_and_full_assessments() {
    let c = Framework::Cyfun2025.catalog();
    let blank = score(c, Level::Essential, &Answers::new(c));
    assert_eq!(blank.total, 1.0);
    assert_eq!(blank.categories.len(), 22);
    assert_eq!(blank.key_measures.len(), 29);
    let full = score(c, Level::Essential, &all(Framework::Cyfun2025, Answer::scored(5, 5).unwrap()));
    assert_eq!(full.total, 5.0);
    assert!(
        verdict(
            c,
            Level::Essential,
            &all(Framework::Cyfun2025, Answer::scored(5, 5).unwrap()),
            Thresholds::embedded()
        )
        .pass
    );
}

#[test]
fn category_average_of_averages_follows_the_workbook() {
    let c = Framework::Cyfun2025.catalog();
    // PR.IR-03.1 shares its workbook cell with PR.IR-04.1: (1 + 1 + (5+1)/2) / 3, not (1+1+5+1)/4.
    let a = answers_with(&[("PR.IR-03.1", Answer::scored(5, 2).unwrap())]);
    let card = score(c, Level::Essential, &a);
    let pr_ir = card.categories.iter().find(|x| x.id == "PR.IR").unwrap();
    assert_eq!(pr_ir.documentation, (1.0 + 1.0 + 3.0) / 3.0);
    assert_eq!(pr_ir.implementation, (1.0 + 1.0 + 1.5) / 3.0);
    assert_eq!(pr_ir.maturity, (pr_ir.documentation + pr_ir.implementation) / 2.0);
    // N/A counts as 3 in both dimensions.
    let a = answers_with(&[("GV.OC-01.1", Answer::NotApplicable)]);
    let gv_oc = score(c, Level::Essential, &a).categories.into_iter().find(|x| x.id == "GV.OC").unwrap();
    assert_eq!(gv_oc.documentation, (3.0 + 1.0 + 1.0 + 1.0 + 1.0) / 5.0);
    // Key-measure score is the mean of its two scores.
    let a = answers_with(&[("PR.DS-11.1", Answer::scored(4, 1).unwrap())]);
    let km = score(c, Level::Essential, &a).key_measures.into_iter().find(|k| k.id == "PR.DS-11.1").unwrap();
    assert_eq!(km.score, 2.5);
}

#[test]
fn essential_needs_every_key_measure_every_category_and_the_total() {
    let c = Framework::Cyfun2025.catalog();
    let threes = all(Framework::Cyfun2025, Answer::scored(3, 3).unwrap());
    let v = verdict(c, Level::Essential, &threes, Thresholds::embedded());
    assert!(!v.pass);
    assert_eq!(v.failing, vec![Failing::Total { total: 3.0, required: 3.5 }]);
    // Important passes at 3 everywhere (total ≥ 3, key measures ≥ 3).
    assert!(verdict(c, Level::Important, &threes, Thresholds::embedded()).pass);
    let mut one_km_low = all(Framework::Cyfun2025, Answer::scored(4, 4).unwrap());
    one_km_low.set(c, "PR.AA-03.2", Some(Answer::scored(3, 2).unwrap())).unwrap();
    let v = verdict(c, Level::Basic, &one_km_low, Thresholds::embedded());
    assert!(v.pass, "2.5 is enough for a Basic key measure");
    let v = verdict(c, Level::Important, &one_km_low, Thresholds::embedded());
    assert!(
        matches!(&v.failing[..], [Failing::KeyMeasure { requirement, .. }] if requirement == "PR.AA-03.2")
    );
    assert_eq!(v.to_pass.len(), 1);
    assert_eq!(
        (v.to_pass[0].dimension, v.to_pass[0].from, v.to_pass[0].to),
        (Dimension::Implementation, 2, 3)
    );
}

#[test]
fn not_applicable_rules() {
    let c = Framework::Cyfun2025.catalog();
    let t = Thresholds::embedded();
    let km = answers_with(&[("PR.DS-11.1", Answer::NotApplicable)]);
    assert_eq!(check_answers(c, Level::Essential, &km, t).len(), 1);
    let mgmt = answers_with(&[("GV.RM-01.1", Answer::NotApplicable)]);
    assert_eq!(check_answers(c, Level::Essential, &mgmt, t).len(), 1);
    let allowed: Vec<&str> =
        c.requirements.iter().filter(|r| r.not_applicable_allowed).map(|r| r.id.as_str()).take(6).collect();
    let five = answers_with(&allowed[..5].iter().map(|id| (*id, Answer::NotApplicable)).collect::<Vec<_>>());
    assert!(check_answers(c, Level::Essential, &five, t).is_empty());
    let six = answers_with(&allowed.iter().map(|id| (*id, Answer::NotApplicable)).collect::<Vec<_>>());
    let problems = check_answers(c, Level::Essential, &six, t);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(!verdict(c, Level::Essential, &six, t).pass);
}

fn arb_answers(framework: Framework) -> impl Strategy<Value = Answers> {
    let c = framework.catalog();
    let n = c.requirements.len();
    (
        proptest::collection::vec((1u8..=5, 1u8..=5), n),
        proptest::collection::vec(any::<prop::sample::Index>(), 0..=5),
    )
        .prop_map(move |(scores, na)| {
            let c = framework.catalog();
            let mut a = Answers::new(c);
            for (r, (d, i)) in c.requirements.iter().zip(scores) {
                a.set(c, &r.id, Some(Answer::scored(d, i).unwrap())).unwrap();
            }
            let allowed: Vec<&str> =
                c.requirements.iter().filter(|r| r.not_applicable_allowed).map(|r| r.id.as_str()).collect();
            for ix in na {
                let id: &str = ix.get::<&str>(&allowed);
                a.set(c, id, Some(Answer::NotApplicable)).unwrap();
            }
            a
        })
}

fn apply(framework: Framework, answers: &Answers, increases: &[ward_domain::cyfun::Increase]) -> Answers {
    let c = framework.catalog();
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

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Applying the suggested increases passes the level, and taking back any single point fails it.
    #[test]
    fn suggested_increases_pass_and_are_minimal(a in arb_answers(Framework::Cyfun2025), level in prop_oneof![Just(Level::Basic), Just(Level::Important), Just(Level::Essential)]) {
        let framework = Framework::Cyfun2025;
        let c = framework.catalog();
        let t = Thresholds::embedded();
        let v = verdict(c, level, &a, t);
        prop_assume!(!v.pass);
        let fixed = apply(framework, &a, &v.to_pass);
        prop_assert!(verdict(c, level, &fixed, t).pass);
        for (k, inc) in v.to_pass.iter().enumerate() {
            let mut fewer = v.to_pass.clone();
            fewer[k].to -= 1;
            if fewer[k].to == inc.from { fewer.remove(k); }
            prop_assert!(!verdict(c, level, &apply(framework, &a, &fewer), t).pass, "taking back {inc:?} still passes");
        }
    }

    #[test]
    fn scores_stay_within_one_and_five(a in arb_answers(Framework::Cyfun2025)) {
        let c = Framework::Cyfun2025.catalog();
        for level in Level::ALL {
            let card = score(c, level, &a);
            prop_assert!((1.0..=5.0).contains(&card.total));
            for x in &card.categories { prop_assert!((1.0..=5.0).contains(&x.maturity)); }
        }
    }
}
