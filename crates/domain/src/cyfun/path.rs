//! The minimum path to pass: the cheapest set of score increases that makes a level pass, found
//! exactly (not greedily) for the real catalog sizes.
//!
//! Every figure of the verdict is linear in the scores: a point of documentation on a requirement
//! in a scoring group of `n` requirements, in a category of `G` groups, moves the category's
//! maturity by `1 / (2·G·n)`, and the total by that over the number of categories. Scaled by the
//! least common multiple of those denominators, every figure is an integer, so the search works in
//! exact integer arithmetic:
//!
//! 1. Within one requirement, a point costs the same in either dimension (its effort weight), so
//!    any optimal solution spends its points on the dimension worth more first. A requirement's
//!    choice is therefore only *how many* points it gets, and a key measure needs a minimum.
//! 2. Per category, a knapsack over those choices gives, for every cost, the highest maturity
//!    reachable with all its key measures met.
//! 3. Across categories, a second knapsack over cost keeps, for every budget, the highest sum of
//!    category maturities with every category at its floor. The first budget whose sum reaches
//!    the total threshold is the minimum, and the choices behind it are the path.
//!
//! Both knapsacks are exhaustive over their state, so the result is optimal for the cost given
//! (the tests also compare it with a brute-force search on small catalogs).

use serde::Serialize;

use super::scoring::{Answer, Answers, Maturity};
use super::verdict::{AnswerProblem, Dimension, Increase, Thresholds, check_answers};
use super::{Catalog, Level, Requirement};

/// Why no set of score increases can make the level pass.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum NoPath {
    /// Answers break the N/A rules; raising scores cannot fix that.
    Answers { problems: Vec<AnswerProblem> },
    /// Even every score at 5 does not reach the thresholds (N/A answers are fixed at 3).
    Unreachable,
}

/// The cheapest set of increases that makes a level pass.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MinimumPath {
    pub level: Level,
    pub increases: Vec<Increase>,
    /// Σ points × the requirement's weight.
    pub cost: u32,
    /// Σ points.
    pub points: u32,
}

/// One requirement's part in its category: the points it may receive, in the order an optimal
/// solution spends them, and what each is worth.
struct Item {
    index: usize,
    weight: u32,
    /// Points a key measure needs at least.
    minimum: usize,
    /// (dimension, value in category units) of each point that may be added, best first.
    points: Vec<(Dimension, u64)>,
}

/// One category at the level: its items, its fixed value and its scale.
struct CategoryProblem {
    items: Vec<Item>,
    /// Maturity numerator of the current scores, in units of 1/`scale`.
    base: u64,
    scale: u64,
    /// Numerator the floor requires (0 without a floor).
    floor: u64,
}

fn lcm(a: u64, b: u64) -> u64 {
    fn gcd(a: u64, b: u64) -> u64 {
        if b == 0 { a } else { gcd(b, a % b) }
    }
    a / gcd(a, b) * b
}

/// Smallest integer numerator `n` with `n / scale >= threshold` (thresholds are multiples of 0.5
/// or similar; the tolerance absorbs their binary representation).
fn needed(threshold: f64, scale: u64) -> u64 {
    let exact = threshold * scale as f64;
    (exact - 1e-6).ceil().max(0.0) as u64
}

/// The cheapest increases that make `level` pass, where raising a requirement's score by one point
/// costs `weight(requirement)`; `Ok` with no increases when it already passes.
pub fn minimum_path(
    catalog: &Catalog,
    level: Level,
    answers: &Answers,
    thresholds: &Thresholds,
    weight: impl Fn(&Requirement) -> u32,
) -> Result<MinimumPath, NoPath> {
    let problems = check_answers(catalog, level, answers, thresholds);
    if !problems.is_empty() {
        return Err(NoPath::Answers { problems });
    }
    let t = thresholds.for_level(level);
    let plan = catalog.level_plan(level);
    let max = Maturity::MAX.value();
    let key_need = needed(2.0 * t.key_measure, 1) as u8;

    let scores = |i: usize| -> Option<(u8, u8)> {
        match answers.effective(i) {
            Answer::Scored { documentation, implementation } => {
                Some((documentation.value(), implementation.value()))
            }
            Answer::NotApplicable => None,
        }
    };

    let mut categories = Vec::with_capacity(plan.categories.len());
    for p in &plan.categories {
        // A point in a group of n, among G groups, is worth scale/(2·G·n).
        let mut scale = 1;
        for g in &p.documentation {
            scale = lcm(scale, 2 * (p.documentation.len() * g.len()) as u64);
        }
        for g in &p.implementation {
            scale = lcm(scale, 2 * (p.implementation.len() * g.len()) as u64);
        }
        let worth = |groups: &[Vec<usize>], i: usize| -> u64 {
            groups
                .iter()
                .find(|g| g.contains(&i))
                .map_or(0, |g| scale / (2 * (groups.len() * g.len()) as u64))
        };
        let mut base = 0;
        let mut items = Vec::new();
        let mut members: Vec<usize> =
            p.documentation.iter().chain(&p.implementation).flatten().copied().collect();
        members.sort_unstable();
        members.dedup();
        for i in members {
            let (vd, vi) = (worth(&p.documentation, i), worth(&p.implementation, i));
            let Some((d, m)) = scores(i) else {
                // N/A counts as 3 in both dimensions and cannot change.
                base += 3 * (vd + vi);
                continue;
            };
            base += u64::from(d) * vd + u64::from(m) * vi;
            let r = &catalog.requirements[i];
            let minimum =
                if r.is_key_measure_at(level) { usize::from(key_need.saturating_sub(d + m)) } else { 0 };
            let mut points: Vec<(Dimension, u64)> = Vec::new();
            let doc = std::iter::repeat_n((Dimension::Documentation, vd), usize::from(max - d));
            let imp = std::iter::repeat_n((Dimension::Implementation, vi), usize::from(max - m));
            // The dimension worth more first; on a tie, the lower score first (it reads better).
            if vd > vi || (vd == vi && d <= m) {
                points.extend(doc.chain(imp));
            } else {
                points.extend(imp.chain(doc));
            }
            if minimum > points.len() {
                return Err(NoPath::Unreachable);
            }
            if points.is_empty() {
                continue;
            }
            items.push(Item { index: i, weight: weight(r).max(1), minimum, points });
        }
        let floor = t.category.map_or(0, |f| needed(f, scale));
        categories.push(CategoryProblem { items, base, scale, floor });
    }

    // 2. Per category: best[cost] = highest maturity numerator at exactly that cost, with every
    // key measure met; choice[item][cost] = points given to that item.
    struct Solved {
        best: Vec<Option<u64>>,
        choices: Vec<Vec<u8>>,
    }
    let solved: Vec<Solved> = categories
        .iter()
        .map(|c| {
            let max_cost: usize = c.items.iter().map(|it| it.points.len() * it.weight as usize).sum();
            let mut best: Vec<Option<u64>> = vec![None; max_cost + 1];
            best[0] = Some(c.base);
            let mut choices = Vec::with_capacity(c.items.len());
            for it in &c.items {
                let mut next: Vec<Option<u64>> = vec![None; max_cost + 1];
                let mut choice = vec![0u8; max_cost + 1];
                let mut gain = 0;
                let prefix: Vec<u64> = std::iter::once(0)
                    .chain(it.points.iter().map(|(_, v)| {
                        gain += v;
                        gain
                    }))
                    .collect();
                for (cost, value) in best.iter().enumerate() {
                    let Some(value) = value else { continue };
                    for (n, g) in prefix.iter().enumerate().skip(it.minimum) {
                        let at = cost + n * it.weight as usize;
                        if at > max_cost {
                            break;
                        }
                        if next[at].is_none_or(|v| value + g > v) {
                            next[at] = Some(value + g);
                            choice[at] = n as u8;
                        }
                    }
                }
                best = next;
                choices.push(choice);
            }
            Solved { best, choices }
        })
        .collect();

    // 3. Across categories: reach[budget] = highest Σ maturity (in units of 1/scale_all) with
    // every category at its floor and exactly this cost.
    let scale_all = categories.iter().fold(1, |acc, c| lcm(acc, c.scale));
    let total_cost: usize = solved.iter().map(|s| s.best.len() - 1).sum();
    let mut reach: Vec<Option<u64>> = vec![None; total_cost + 1];
    reach[0] = Some(0);
    let mut picks: Vec<Vec<u32>> = Vec::with_capacity(categories.len());
    for (c, s) in categories.iter().zip(&solved) {
        let options: Vec<(usize, u64)> = s
            .best
            .iter()
            .enumerate()
            .filter_map(|(cost, v)| v.filter(|v| *v >= c.floor).map(|v| (cost, v * (scale_all / c.scale))))
            .collect();
        if options.is_empty() {
            return Err(NoPath::Unreachable);
        }
        let mut next: Vec<Option<u64>> = vec![None; total_cost + 1];
        let mut pick = vec![0u32; total_cost + 1];
        for (budget, value) in reach.iter().enumerate() {
            let Some(value) = value else { continue };
            for (cost, v) in &options {
                let at = budget + cost;
                if at > total_cost {
                    break;
                }
                if next[at].is_none_or(|x| value + v > x) {
                    next[at] = Some(value + v);
                    pick[at] = *cost as u32;
                }
            }
        }
        reach = next;
        picks.push(pick);
    }
    let target = needed(t.total * categories.len() as f64, scale_all);
    let Some(cost) = reach.iter().position(|v| v.is_some_and(|v| v >= target)) else {
        return Err(NoPath::Unreachable);
    };

    // Walk the choices back: category costs, then each item's points.
    let mut added: Vec<(usize, Vec<(Dimension, u64)>)> = Vec::new();
    let mut budget = cost;
    for (ci, c) in categories.iter().enumerate().rev() {
        let mut left = picks[ci][budget] as usize;
        budget -= left;
        for (ii, it) in c.items.iter().enumerate().rev() {
            let n = solved[ci].choices[ii][left] as usize;
            left -= n * it.weight as usize;
            if n > 0 {
                added.push((it.index, it.points[..n].to_vec()));
            }
        }
    }
    added.sort_by_key(|(i, _)| *i);
    let mut increases = Vec::new();
    let mut points = 0;
    for (i, pts) in added {
        let (d, m) = scores(i).unwrap_or((3, 3));
        let id = &catalog.requirements[i].id;
        let nd = pts.iter().filter(|(dim, _)| *dim == Dimension::Documentation).count() as u8;
        let nm = pts.len() as u8 - nd;
        points += u32::from(nd + nm);
        if nd > 0 {
            increases.push(Increase {
                requirement: id.clone(),
                dimension: Dimension::Documentation,
                from: d,
                to: d + nd,
            });
        }
        if nm > 0 {
            increases.push(Increase {
                requirement: id.clone(),
                dimension: Dimension::Implementation,
                from: m,
                to: m + nm,
            });
        }
    }
    Ok(MinimumPath { level, increases, cost: cost as u32, points })
}
