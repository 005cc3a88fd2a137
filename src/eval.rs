//! Evaluation: a checked [`RuleSet`] and a [`Case`] in, a [`Decision`] out.
//!
//! Invariant: pure. No IO, no clock, no randomness, no printing: the same rules and case give
//! the same decision. The case's date selects the law. Values are exact amounts or, where a
//! parameter is only known as a range, intervals; conditions are three-valued (true, false,
//! unknown). The outcome is decided only if every way the unknowns could fall gives the same
//! outcome; otherwise it is undecided and names what is unknown. It is never "allowed" by
//! default: a case no rule decides is undecided.
//!
//! One evaluation is three-valued and treats each condition on its own, which over-approximates:
//! two rules that test `x` and `not x` on the same missing fact both look uncertain. The case
//! split ([`split`]) makes it exact: it gives the unknowns values, branch by branch, until every
//! branch is decided, and the answer is decided when all branches agree.

use jiff::civil::Date;
use rust_decimal::Decimal;

use crate::ast::{ArithOp, CmpOp, Quantifier};
use crate::case::{Case, Value};
use crate::check::{
    CCond, CExpr, Cite, DefId, EntryValue, ListSrc, ParamId, RuleId, RuleOutcome, RuleSet, Stated,
};
use crate::decision::*;
use crate::money::{Currency, Money};
use crate::vocab::{FactId, FactRef, ListId, NameId, ValueType, Vocabulary};

mod quantity;
mod split;

use quantity::Quantity;
pub use split::{evaluate, verdict};

/// Why a value or condition is not known, before it is turned into a public [`Reason`].
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Gap {
    Missing(FactRef),
    Range(ParamId),
    NoValue(ParamId),
    Currency(Currency, Currency),
    Overflow,
}

impl Gap {
    /// The unknown a case split could give values to, if this gap is one.
    pub(crate) fn var(&self) -> Option<Var> {
        match self {
            Gap::Missing(f) => Some(Var::Fact(*f)),
            Gap::Range(p) => Some(Var::Param(*p)),
            _ => None,
        }
    }
}

pub(crate) type Gaps = Vec<Gap>;

/// An unknown the case split gives values to: a fact (or a field of an element) the case does
/// not state, or a parameter known only as a range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Var {
    Fact(FactRef),
    Param(ParamId),
}

/// A value the case split gives an unknown: a name of a closed list, yes or no, or an interval
/// of amounts or numbers (a point when `low == high`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Bound {
    Name(NameId),
    /// One of several names the rules treat alike (branches merged for showing); evaluated as
    /// the first.
    Names(Vec<NameId>),
    Bool(bool),
    Range {
        low: Decimal,
        high: Decimal,
    },
}

/// The values a branch of the case split gives its unknowns; empty for the case as given.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Assignment {
    pub vars: Vec<(Var, Bound)>,
    /// The currency of an amount fact given a range (the jurisdiction's).
    pub currency: Option<Currency>,
}

impl Bound {
    pub(crate) fn names(&self) -> Vec<NameId> {
        match self {
            Bound::Name(n) => vec![*n],
            Bound::Names(names) => names.clone(),
            _ => Vec::new(),
        }
    }
}

impl Assignment {
    pub(crate) fn get(&self, var: Var) -> Option<&Bound> {
        self.vars.iter().find(|(v, _)| *v == var).map(|(_, b)| b)
    }

    pub(crate) fn with(&self, var: Var, bound: Bound) -> Assignment {
        let mut next = self.clone();
        match next.vars.iter_mut().find(|(v, _)| *v == var) {
            Some(slot) => slot.1 = bound,
            None => next.vars.push((var, bound)),
        }
        next
    }
}

/// An amount (with a currency) or a plain number, exact or known only to lie in an interval;
/// `because` says why it is not exact (a parameter known as a range, a fact the split narrowed
/// to an interval, or a fact that chose between two amounts and is missing).
#[derive(Debug, Clone)]
struct Amount {
    q: Quantity,
    /// `None` for a plain number (a percentage, a count of months).
    currency: Option<Currency>,
    because: Gaps,
}

impl Amount {
    fn exact(v: Decimal, currency: Option<Currency>) -> Amount {
        Amount {
            q: Quantity::exact(v),
            currency,
            because: Vec::new(),
        }
    }
}

#[derive(Debug, Clone)]
enum V<'c> {
    Amount(Amount),
    Date(Date),
    Bool(bool),
    Name(ListId, NameId),
    Text(&'c str),
    Cpv(u32),
}

/// An element a quantifier (or a record's definition) has in scope: one of a list fact's
/// records, or a name of a list of names.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Elem {
    Record { fact: FactId, index: u32 },
    Name(ListId, NameId),
}

type Res<'c> = Result<V<'c>, Gaps>;

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Tri {
    True,
    False,
    Unknown(Gaps),
}

pub(crate) struct Ctx<'a> {
    rules: &'a RuleSet,
    case: &'a Case,
    /// The values a branch of the case split gives the case's unknowns.
    assign: &'a Assignment,
    /// The unknown whose critical points are being collected, if any.
    focus: Option<Var>,
    /// Where comparisons flip as the focus moves (see [`Quantity::crossings`]).
    pub(crate) crossings: Vec<Decimal>,
    /// A comparison turned on the focus in a way that could not be followed.
    pub(crate) lost: bool,
    /// For each comparison (by where it sits in the rule set) that turned on the focus: how
    /// fast the difference of its sides moves with the focus.
    pub(crate) slopes: Vec<(usize, Decimal)>,
    /// Whether to record what is read, for the explanation; the outcome never depends on it.
    trace: bool,
    /// The elements in scope, outermost first.
    elems: Vec<Elem>,
    /// By definition id: where its computed value sits in `computed`, or `u32::MAX` while not
    /// computed. Small to create for every decision, unlike a slot per definition with room
    /// for a value, most of which a case never needs.
    def_slot: Vec<u32>,
    /// Each computed definition's value.
    computed: Vec<Res<'a>>,
    /// What computing each definition in `computed` read, at the same place (only when
    /// tracing: a lean evaluation records nothing of what it reads).
    computed_reads: Vec<Reads>,
    defaults_used: IdSet<FactId>,
    /// What the evaluation in progress has read: only these are shown in the explanation.
    reads: Reads,
}

/// The facts, parameters and definitions an evaluation actually read (an `if` reads only the
/// branch it takes), so that explanations show what mattered and nothing else.
#[derive(Debug, Clone, Default)]
struct Reads {
    /// The day the procurement starts was read.
    date: bool,
    facts: IdSet<FactId>,
    params: IdSet<ParamId>,
    defs: IdSet<DefId>,
}

impl Reads {
    fn extend(&mut self, other: &Reads) {
        self.date |= other.date;
        self.facts.extend(&other.facts);
        self.params.extend(&other.params);
        self.defs.extend(&other.defs);
    }
}

/// Something with a small index: a fact, or a parameter's or definition's id.
trait Id: Copy {
    fn index(self) -> usize;
    fn from_index(index: usize) -> Option<Self>;
}

impl Id for usize {
    fn index(self) -> usize {
        self
    }
    fn from_index(index: usize) -> Option<Self> {
        Some(index)
    }
}

impl Id for FactId {
    fn index(self) -> usize {
        self.0 as usize
    }
    fn from_index(index: usize) -> Option<Self> {
        u32::try_from(index).ok().map(FactId)
    }
}

/// A set of ids, iterated in increasing order of index (the order of a `BTreeSet`: a fact's
/// index is its place in the declaration, which its `Ord` follows). The first 128 indexes are
/// bits, so that recording what an evaluation reads does not allocate.
#[derive(Debug, Clone)]
struct IdSet<T> {
    low: u128,
    /// Indexes of 128 and above, sorted.
    high: Vec<usize>,
    of: std::marker::PhantomData<T>,
}

impl<T> Default for IdSet<T> {
    fn default() -> Self {
        IdSet {
            low: 0,
            high: Vec::new(),
            of: std::marker::PhantomData,
        }
    }
}

impl<T: Id> IdSet<T> {
    fn insert(&mut self, id: T) {
        let i = id.index();
        if i < 128 {
            self.low |= 1 << i;
        } else if let Err(at) = self.high.binary_search(&i) {
            self.high.insert(at, i);
        }
    }

    fn contains(&self, id: &T) -> bool {
        let i = id.index();
        if i < 128 {
            self.low & (1 << i) != 0
        } else {
            self.high.binary_search(&i).is_ok()
        }
    }

    fn extend(&mut self, other: &IdSet<T>) {
        self.low |= other.low;
        for &i in &other.high {
            if let Err(at) = self.high.binary_search(&i) {
                self.high.insert(at, i);
            }
        }
    }

    fn iter(&self) -> impl Iterator<Item = T> + '_ {
        let mut bits = self.low;
        std::iter::from_fn(move || {
            if bits == 0 {
                return None;
            }
            let i = bits.trailing_zeros() as usize;
            bits &= bits - 1;
            Some(i)
        })
        .chain(self.high.iter().copied())
        .filter_map(T::from_index)
    }
}

fn merge(mut a: Gaps, b: Gaps) -> Gaps {
    // Nothing to add to, and nothing in `b` to drop as repeated: `b` as it is, without copying.
    if a.is_empty() && b.len() <= 1 {
        return b;
    }
    for g in b {
        if !a.contains(&g) {
            a.push(g);
        }
    }
    a
}

/// How many of the exceptions that override a rule its trace names: a chain of `n` exceptions
/// would otherwise name `n²/2` rules.
const MAX_LISTED_OVERRIDERS: usize = 16;

/// What lies above one rule in the hierarchy of exceptions.
#[derive(Clone, Default)]
struct Above {
    /// A rule in force that takes precedence over it, directly or through other exceptions,
    /// certainly applies.
    certain: bool,
    /// The gaps of the rules in force above it whose conditions are unknown.
    gaps: Gaps,
    /// The first rules above it that certainly apply (see [`MAX_LISTED_OVERRIDERS`]).
    applying: Vec<RuleId>,
}

/// [`Above`] for the rules that an exception in force whose condition may hold takes
/// precedence over, directly or through other exceptions (every other rule has nothing above
/// it): each is visited once, after the exceptions to it (a depth-first search with its own
/// stack), so the work is linear in the rules and their exceptions however deep the hierarchy.
struct AboveTable {
    /// By rule id: where the rule's [`Above`] sits in `above` (`u32::MAX`: nothing is above it;
    /// [`MARKED`]: not computed yet), and where its status sits among the candidates'
    /// (`u32::MAX`: not in force). Empty when nothing is above any rule.
    slot: Vec<[u32; 2]>,
    above: Vec<Above>,
}

impl AboveTable {
    fn get(&self, id: RuleId) -> Option<&Above> {
        self.above.get(self.slot.get(id)?[0] as usize)
    }

    /// The status of a rule among the candidates, if it is one: by its slot, no search.
    fn status<'s>(&self, status: &'s [(RuleId, Tri)], id: RuleId) -> Option<&'s Tri> {
        status.get(self.slot.get(id)?[1] as usize).map(|(_, t)| t)
    }
}

/// Adds to `a` the gaps of `b` it does not hold yet, in `b`'s order: [`merge`] without taking
/// (or copying) `b`.
fn merge_into(a: &mut Gaps, b: &[Gap]) {
    for g in b {
        if !a.contains(g) {
            a.push(g.clone());
        }
    }
}

/// In [`AboveTable::slot`]: a rule whose [`Above`] is needed and not computed yet.
const MARKED: u32 = u32::MAX - 1;

fn exceptions_above(
    rules: &RuleSet,
    candidates: &[RuleId],
    status: &[(RuleId, Tri)],
    trace: bool,
) -> AboveTable {
    let mut table = AboveTable {
        slot: Vec::new(),
        above: Vec::new(),
    };
    // Only an exception in force whose condition may hold puts anything above a rule: only the
    // rules it is an exception to, directly or through other exceptions, need their `Above`
    // (every other rule has nothing above it). They are marked first, going up from each such
    // exception, then computed exceptions first, as before.
    let mut stack: Vec<(RuleId, usize)> = Vec::new();
    for (id, tri) in status {
        if *tri != Tri::False && !rules.rules[*id].exception_to.is_empty() {
            stack.push((*id, 0));
        }
    }
    if stack.is_empty() {
        return table;
    }
    table.slot = vec![[u32::MAX; 2]; rules.rules.len()];
    for (at, &id) in candidates.iter().enumerate() {
        if let Some(slot) = table.slot.get_mut(id) {
            slot[1] = u32::try_from(at).unwrap_or(u32::MAX);
        }
    }
    while let Some((id, _)) = stack.pop() {
        for &target in &rules.rules[id].exception_to {
            if table.slot[target][0] == u32::MAX {
                table.slot[target][0] = MARKED;
                stack.push((target, 0));
            }
        }
    }
    for &root in candidates {
        if table.slot[root][0] != MARKED {
            continue;
        }
        stack.push((root, 0));
        while let Some((id, next)) = stack.last_mut() {
            let id = *id;
            if let Some(&exception) = rules.rules[id].exceptions.get(*next) {
                *next += 1;
                if table.slot[exception][0] == MARKED {
                    stack.push((exception, 0));
                }
                continue;
            }
            stack.pop();
            let mut here = Above::default();
            for &exception in &rules.rules[id].exceptions {
                let theirs = table.get(exception);
                if let Some(theirs) = theirs {
                    here.certain |= theirs.certain;
                    merge_into(&mut here.gaps, &theirs.gaps);
                }
                match table.status(status, exception) {
                    Some(Tri::True) => {
                        here.certain = true;
                        if trace {
                            here.applying.push(exception);
                        }
                    }
                    Some(Tri::Unknown(g)) => merge_into(&mut here.gaps, g),
                    Some(Tri::False) | None => {}
                }
                if trace && let Some(theirs) = theirs {
                    here.applying.extend(theirs.applying.iter().copied());
                }
            }
            if trace {
                here.applying.sort_unstable();
                here.applying.dedup();
                here.applying.truncate(MAX_LISTED_OVERRIDERS);
            }
            table.slot[id][0] = u32::try_from(table.above.len()).unwrap_or(u32::MAX);
            table.above.push(here);
        }
    }
    table
}

/// The status of a rule among the candidates (in rule order, as the index keeps them), if it
/// is one.
fn status_in<'s>(
    candidates: &[RuleId],
    status: &'s [(RuleId, Tri)],
    id: RuleId,
) -> Option<&'s Tri> {
    let at = candidates.binary_search(&id).ok()?;
    status.get(at).map(|(_, t)| t)
}

/// What evaluating every rule in force found: the input of the outcome, and of the trace.
pub(crate) struct Assessment<'a> {
    /// The rules in force, in rule order (the rule set's index of them).
    candidates: &'a [RuleId],
    status: Vec<(RuleId, Tri)>,
    /// For each candidate, in order: whether an exception to it certainly applies.
    overridden: Vec<bool>,
    /// For each candidate, in order: the first [`MAX_LISTED_OVERRIDERS`] rules, in rule order,
    /// that take precedence over it (directly or through other exceptions) and certainly
    /// apply; only when tracing.
    applying_exceptions: Vec<Vec<RuleId>>,
    /// For each candidate, in order, what its condition read (only when tracing).
    rule_reads: Vec<Reads>,
    possible: Vec<RuleId>,
    gaps: Gaps,
    none_may_apply: bool,
    keys: Vec<OutcomeKey>,
}

/// What a rule's outcome is, for telling outcomes apart: allowed, not allowed with a procedure,
/// or undecided by the rule.
pub(crate) type OutcomeKey = (u8, Option<usize>);

/// The outcome as rule-set ids, before names and citations are attached.
#[derive(Debug, Clone)]
pub(crate) struct Settled {
    pub outcome: Outcome,
    /// The one outcome every rule that may decide gives (undecided by a rule counts too), when
    /// there is one.
    pub key: Option<OutcomeKey>,
    pub winners: Vec<RuleId>,
    /// The winners whose condition certainly holds: only these may be stated as why.
    pub established: Vec<RuleId>,
    pub procedure: Option<usize>,
    pub obligations: Vec<usize>,
    /// What is unknown in the conditions of obligations that may apply.
    pub obligation_gaps: Gaps,
    pub reasons: Vec<Reason>,
    pub warnings: Vec<usize>,
    /// What is unknown among the rules that may decide the case: why it is undecided, or, when
    /// decided, what some winners' conditions turn on.
    pub gaps: Gaps,
}

impl Settled {
    /// No rule is in force: nothing can be decided. The reason says which period the rules for
    /// this kind of case cover.
    pub(crate) fn no_rules(rules: &RuleSet, case: &Case) -> Settled {
        let scope = rules.index.rules_in(case.country, case.kind);
        let covered_from = scope
            .iter()
            .filter_map(|&id| rules.rules[id].valid_from)
            .min();
        let covered_to = scope
            .iter()
            .filter_map(|&id| rules.rules[id].valid_to)
            .max();
        Settled {
            outcome: Outcome::Undecided,
            key: None,
            winners: Vec::new(),
            established: Vec::new(),
            procedure: None,
            obligations: Vec::new(),
            obligation_gaps: Vec::new(),
            reasons: vec![Reason::NoRulesInForce {
                jurisdiction: case.jurisdiction().to_string(),
                date: case.date,
                case_kind: case.kind().to_string(),
                covered_from,
                covered_to,
            }],
            warnings: Vec::new(),
            gaps: Vec::new(),
        }
    }
}

impl<'a> Ctx<'a> {
    pub(crate) fn new(
        rules: &'a RuleSet,
        case: &'a Case,
        assign: &'a Assignment,
        trace: bool,
    ) -> Self {
        Ctx {
            rules,
            case,
            assign,
            focus: None,
            crossings: Vec::new(),
            lost: false,
            slopes: Vec::new(),
            trace,
            elems: Vec::new(),
            def_slot: vec![u32::MAX; rules.defs.len()],
            computed: Vec::with_capacity(16),
            computed_reads: Vec::new(),
            defaults_used: IdSet::default(),
            reads: Reads::default(),
        }
    }

    /// Collects the critical points of `var` while evaluating.
    pub(crate) fn with_focus(mut self, var: Var) -> Self {
        self.focus = Some(var);
        self
    }

    /// Evaluates every rule in force and settles the outcome; `None` when no rule is in force.
    pub(crate) fn run(&mut self) -> Option<(Assessment<'a>, Settled)> {
        let a = self.assess()?;
        let settled = self.settle(&a);
        Some((a, settled))
    }

    /// The traced parts of a decision for this evaluation: every rule in force and what became
    /// of it, the values the rules that may decide read, and notes. The outcome fields are left
    /// for the caller (the case split) to fill.
    pub(crate) fn trace(&mut self, a: &Assessment<'_>, settled: &Settled) -> Decision {
        let mut decision = Decision::empty(self.case);
        decision.rules.reserve_exact(a.status.len());
        for (i, (id, tri)) in a.status.iter().enumerate() {
            let rule = &self.rules.rules[*id];
            let overridden_by: Vec<String> = a.applying_exceptions[i]
                .iter()
                .map(|o| self.rules.rules[*o].name.clone())
                .collect();
            let certainly_overridden = a.overridden[i];
            let trace_status = match tri {
                Tri::False => RuleStatus::NotApplicable,
                Tri::True if certainly_overridden => RuleStatus::Overridden,
                Tri::True => RuleStatus::Applied,
                Tri::Unknown(_) if certainly_overridden => RuleStatus::Overridden,
                Tri::Unknown(_) => RuleStatus::Uncertain,
            };
            decision.rules.push(RuleTrace {
                name: self.rules.index.rule_names[*id].clone(),
                status: trace_status,
                overridden_by,
                citations: citations_on(self.rules, &rule.cites, self.case.date),
            });
        }

        let relevant: &[RuleId] = if a.possible.is_empty() {
            a.candidates
        } else {
            &a.possible
        };
        let mut is_relevant = vec![false; self.rules.rules.len()];
        for &id in relevant {
            is_relevant[id] = true;
        }
        let mut shown = Reads::default();
        for (i, id) in a.candidates.iter().enumerate() {
            if is_relevant[*id] {
                shown.extend(&a.rule_reads[i]);
                self.add_template_reads(*id, &mut shown);
            }
        }
        self.trace_values(&shown, &mut decision.values, &mut decision.notes);
        if settled.key.is_some() {
            // A parameter known only as a range that did not change the outcome is worth saying.
            for p in shown.params.iter() {
                if matches!(
                    self.entry(p).map(|(_, e)| e.value),
                    Some(EntryValue::Range(..))
                ) && self.assign.get(Var::Param(p)).is_none()
                {
                    decision.notes.push(Note::RangeDidNotMatter {
                        parameter: self.rules.params[p].name.clone(),
                    });
                }
            }
        }
        // A missing fact is worth listing only where it is why the case is undecided; elsewhere it
        // was merely checked for (`is stated`) or replaced by a default shown in its sum.
        let open: Vec<String> = settled
            .gaps
            .iter()
            .filter_map(|g| match g {
                Gap::Missing(f) => Some(self.rules.vocab.path(FactRef::Fact(f.fact()))),
                _ => None,
            })
            .collect();
        decision.values.retain(|v| {
            v.kind != ValueKind::Fact || v.value != Shown::Unknown || open.contains(&v.name)
        });
        decision.notes.sort();
        decision.notes.dedup();
        decision
    }

    /// The values the texts of these rules name, as this evaluation computed them.
    pub(crate) fn template_values(&mut self, rules: &[RuleId]) -> Vec<ValueTrace> {
        // Only the values themselves: what they were computed from is the base decision's.
        let mut named = Reads::default();
        for &id in rules {
            for template in &self.rules.rules[id].templates {
                for part in template {
                    if let crate::check::TemplatePart::Value(r) = part {
                        match r {
                            crate::check::NameRef::Date => named.date = true,
                            crate::check::NameRef::Fact(f) => named.facts.insert(*f),
                            crate::check::NameRef::Param(p) => named.params.insert(*p),
                            crate::check::NameRef::Def(d) => named.defs.insert(*d),
                        }
                    }
                }
            }
        }
        let (mut values, mut notes) = (Vec::new(), Vec::new());
        self.trace_values(&named, &mut values, &mut notes);
        values
    }

    /// Evaluates every rule in force and works out which may win; `None` when no rule is in
    /// force. The traced and the lean evaluation share it (and [`Ctx::settle`]), so they agree.
    fn assess(&mut self) -> Option<Assessment<'a>> {
        let candidates: &'a [RuleId] =
            self.rules
                .index
                .rules_in_force(self.case.country, self.case.kind, self.case.date);
        if candidates.is_empty() {
            return None;
        }
        let mut rule_reads: Vec<Reads> = if self.trace {
            Vec::with_capacity(candidates.len())
        } else {
            Vec::new()
        };
        let status: Vec<(RuleId, Tri)> = candidates
            .iter()
            .map(|&id| {
                if self.trace {
                    self.reads = Reads::default();
                }
                let tri = match &self.rules.rules[id].when {
                    Some(c) => self.cond(c),
                    None => Tri::True,
                };
                if self.trace {
                    rule_reads.push(std::mem::take(&mut self.reads));
                }
                (id, tri)
            })
            .collect();
        // A rule can win unless its condition is false or an exception to it certainly applies.
        let above = exceptions_above(self.rules, candidates, &status, self.trace);
        let mut possible: Vec<RuleId> = Vec::with_capacity(status.len());
        let mut overridden: Vec<bool> = Vec::with_capacity(status.len());
        let mut gaps: Gaps = Vec::new();
        for (id, tri) in &status {
            let above = above.get(*id);
            let certainly_overridden = above.is_some_and(|a| a.certain);
            overridden.push(certainly_overridden);
            if *tri != Tri::False && !certainly_overridden {
                possible.push(*id);
                if let Tri::Unknown(g) = tri {
                    merge_into(&mut gaps, g);
                }
                if let Some(above) = above {
                    merge_into(&mut gaps, &above.gaps);
                }
            }
        }
        // Only the trace names the exceptions that override a rule.
        let applying_exceptions = if self.trace {
            let mut above = above;
            candidates
                .iter()
                .map(|&id| {
                    let slot = above.slot.get(id).map_or(u32::MAX, |s| s[0]);
                    above
                        .above
                        .get_mut(slot as usize)
                        .map(|a| std::mem::take(&mut a.applying))
                        .unwrap_or_default()
                })
                .collect()
        } else {
            Vec::new()
        };
        let none_may_apply = !status.iter().any(|(_, t)| *t == Tri::True);
        if none_may_apply {
            // Every rule's condition might be false: the uncertain conditions decide that.
            for (_, t) in &status {
                if let Tri::Unknown(g) = t {
                    merge_into(&mut gaps, g);
                }
            }
        }
        let mut keys: Vec<OutcomeKey> = possible.iter().map(|&id| self.outcome_key(id)).collect();
        keys.sort_unstable();
        keys.dedup();
        Some(Assessment {
            candidates,
            applying_exceptions,
            status,
            overridden,
            rule_reads,
            possible,
            gaps,
            none_may_apply,
            keys,
        })
    }

    fn outcome_key(&self, id: RuleId) -> OutcomeKey {
        match self.rules.rules[id].outcome {
            RuleOutcome::Allowed => (0, None),
            RuleOutcome::NotAllowed(p) => (1, p),
            RuleOutcome::Undecided => (2, None),
        }
    }

    /// The outcome, the rules that decide it, what it requires and, if undecided, why.
    fn settle(&mut self, a: &Assessment<'_>) -> Settled {
        let mut settled = Settled {
            outcome: Outcome::Undecided,
            key: None,
            winners: Vec::new(),
            established: Vec::new(),
            procedure: None,
            obligations: Vec::new(),
            obligation_gaps: Vec::new(),
            reasons: Vec::new(),
            warnings: Vec::new(),
            gaps: a.gaps.clone(),
        };
        let status_of = |id: RuleId| status_in(a.candidates, &a.status, id);
        match (a.keys.as_slice(), a.none_may_apply) {
            ([key], false) => {
                settled.key = Some(*key);
                settled.winners = a
                    .possible
                    .iter()
                    .copied()
                    .filter(|&id| self.outcome_key(id) == *key)
                    .collect();
                settled.established = settled
                    .winners
                    .iter()
                    .copied()
                    .filter(|&id| status_of(id) == Some(&Tri::True))
                    .collect();
                let first = settled.winners.first().copied().unwrap_or_default();
                match self.rules.rules[first].outcome {
                    RuleOutcome::Allowed => {
                        for &w in &settled.winners {
                            for (oid, when) in &self.rules.rules[w].obligations {
                                let applies = match when {
                                    Some(c) => self.cond(c),
                                    None => Tri::True,
                                };
                                if let Tri::Unknown(g) = &applies {
                                    settled.obligation_gaps = merge(
                                        std::mem::take(&mut settled.obligation_gaps),
                                        g.clone(),
                                    );
                                }
                                if applies != Tri::False && !settled.obligations.contains(oid) {
                                    settled.obligations.push(*oid);
                                }
                            }
                        }
                        settled.outcome = if settled.obligations.is_empty() {
                            Outcome::Allowed
                        } else {
                            Outcome::AllowedWithObligations
                        };
                    }
                    RuleOutcome::NotAllowed(procedure) => {
                        settled.outcome = Outcome::NotAllowed;
                        settled.procedure = procedure;
                    }
                    RuleOutcome::Undecided => {
                        for &w in &settled.winners {
                            settled.reasons.push(Reason::LeftOpenByRule {
                                rule: self.rules.rules[w].name.clone(),
                            });
                        }
                    }
                }
            }
            _ => {
                let certain: Vec<RuleId> = a
                    .possible
                    .iter()
                    .copied()
                    .filter(|id| status_of(*id) == Some(&Tri::True))
                    .collect();
                if a.keys.len() > 1 && certain.len() == a.possible.len() {
                    settled.reasons.push(Reason::Conflict {
                        rules: certain
                            .iter()
                            .map(|&id| self.rules.rules[id].name.clone())
                            .collect(),
                    });
                }
                let mut reasons: Vec<Reason> = a.gaps.iter().map(|g| self.reason(g)).collect();
                reasons.sort();
                reasons.dedup();
                settled.reasons.extend(reasons);
                if a.possible.is_empty() || (settled.reasons.is_empty() && a.none_may_apply) {
                    settled.reasons.push(Reason::NoRuleApplies);
                    let later = self
                        .rules
                        .index
                        .rules_in(self.case.country, self.case.kind)
                        .iter()
                        .filter_map(|&id| self.rules.rules[id].valid_from)
                        .filter(|from| *from > self.case.date)
                        .min();
                    if let Some(from) = later {
                        settled.reasons.push(Reason::RulesBeginLater {
                            case_kind: self.case.kind().to_string(),
                            from,
                        });
                    }
                }
            }
        }
        // Warnings of every rule that may decide the case: they inform whatever happens.
        for &id in &a.possible {
            for (wid, when) in &self.rules.rules[id].warnings {
                let may_apply = match when {
                    Some(c) => self.cond(c) != Tri::False,
                    None => true,
                };
                if may_apply && !settled.warnings.contains(wid) {
                    settled.warnings.push(*wid);
                }
            }
        }
        settled
    }

    pub(crate) fn reason(&self, gap: &Gap) -> Reason {
        match gap {
            Gap::Missing(f) => Reason::MissingFact {
                fact: self.rules.vocab.path(*f),
            },
            Gap::Range(p) => {
                let param = &self.rules.params[*p];
                let (low, high) = match self.entry(*p).map(|(_, e)| e.value) {
                    Some(EntryValue::Range(l, h)) => (l, h),
                    _ => (Decimal::ZERO, Decimal::ZERO),
                };
                Reason::ParameterRange {
                    parameter: param.name.clone(),
                    low,
                    high,
                    currency: param.currency,
                }
            }
            Gap::NoValue(p) => Reason::ParameterUnknown {
                parameter: self.rules.params[*p].name.clone(),
                date: self.case.date,
            },
            Gap::Currency(expected, found) => Reason::CurrencyMismatch {
                expected: *expected,
                found: *found,
            },
            Gap::Overflow => Reason::MissingFact {
                fact: "a value small enough to compute with".to_string(),
            },
        }
    }

    /// A procedure, obligation or warning as the decision names it, with its citations.
    pub(crate) fn named(&self, item: &crate::check::NamedText) -> Named {
        Named {
            name: item.name.clone(),
            citations: self.cites(&item.cites),
            text: None,
        }
    }

    pub(crate) fn cites(&self, cites: &[Cite]) -> Vec<Citation> {
        citations_on(self.rules, cites, self.case.date)
    }

    /// The entry of a parameter in force on the case's date.
    fn entry(&self, param: ParamId) -> Option<(usize, &'a crate::check::Entry)> {
        let entries = &self.rules.params[param].entries;
        let index = entries.partition_point(|e| e.from <= self.case.date);
        index.checked_sub(1).map(|i| (i, &entries[i]))
    }

    /// The interval a quantity lies in for the case split: the branch's bound where it gives
    /// one, and whether it is the focus.
    fn bounded(&self, var: Var, low: Decimal, high: Decimal) -> Quantity {
        if self.focus == Some(var) {
            Quantity::focus(low, high)
        } else {
            Quantity::interval(low, high)
        }
    }

    fn param(&self, param: ParamId) -> Res<'a> {
        let currency = Some(self.rules.params[param].currency);
        let var = Var::Param(param);
        let range = match self.assign.get(var) {
            Some(Bound::Range { low, high }) => Some((*low, *high)),
            _ => match self.entry(param).map(|(_, e)| e.value) {
                Some(EntryValue::Exact(v)) => return Ok(V::Amount(Amount::exact(v, currency))),
                Some(EntryValue::Range(low, high)) => Some((low, high)),
                Some(EntryValue::Unknown | EntryValue::Repealed) | None => None,
            },
        };
        match range {
            Some((low, high)) => Ok(V::Amount(Amount {
                q: self.bounded(var, low, high),
                currency,
                because: if low == high {
                    Vec::new()
                } else {
                    vec![Gap::Range(param)]
                },
            })),
            None => Err(vec![Gap::NoValue(param)]),
        }
    }

    fn read_fact(&mut self, fact: FactId) -> Option<V<'a>> {
        if self.trace {
            self.reads.facts.insert(fact);
        }
        self.value(FactRef::Fact(fact))
    }

    /// Whether a fact or field has a value: stated in the case, or given one by the branch.
    fn present(&self, r: FactRef) -> bool {
        self.assign.get(Var::Fact(r)).is_some() || self.case.value(r).is_some()
    }

    /// The value of a fact or of a field of an element: the branch's, else the case's. Lists
    /// have none of their own: quantifiers read their elements.
    fn value(&self, r: FactRef) -> Option<V<'a>> {
        let ty = self.rules.vocab.value_type(r);
        let list = match ty {
            ValueType::OneOf(l) => l,
            _ => 0,
        };
        if let Some(bound) = self.assign.get(Var::Fact(r)) {
            return Some(match bound {
                Bound::Name(n) => V::Name(list, *n),
                Bound::Names(names) => V::Name(list, *names.first()?),
                Bound::Bool(b) => V::Bool(*b),
                Bound::Range { low, high } => V::Amount(Amount {
                    q: self.bounded(Var::Fact(r), *low, *high),
                    currency: match ty {
                        ValueType::Amount => self.assign.currency,
                        _ => None,
                    },
                    because: if low == high {
                        Vec::new()
                    } else {
                        vec![Gap::Missing(r)]
                    },
                }),
            });
        }
        Some(match self.case.value(r)? {
            Value::Money(m) => V::Amount(Amount::exact(m.amount, Some(m.currency))),
            Value::Date(d) => V::Date(*d),
            Value::Number(n) => V::Amount(Amount::exact(*n, None)),
            Value::Bool(b) => V::Bool(*b),
            Value::Text(t) => V::Text(t),
            Value::Cpv(c) => V::Cpv(c.code),
            Value::Name(n) => V::Name(list, *n),
            Value::Names(_) | Value::Records(_) => return None,
        })
    }

    /// The field of the element at `level` as a fact reference.
    fn field_ref(&self, level: u8, field: u32) -> Option<FactRef> {
        match self.elems.get(level as usize)? {
            Elem::Record { fact, index } => Some(FactRef::Field {
                fact: *fact,
                index: *index,
                field,
            }),
            Elem::Name(..) => None,
        }
    }

    /// The elements of a list, or what is missing when the case does not state it.
    fn elements(&mut self, list: &ListSrc) -> Result<Vec<Elem>, Gaps> {
        let r = match list {
            ListSrc::Fact(f) => {
                if self.trace {
                    self.reads.facts.insert(*f);
                }
                FactRef::Fact(*f)
            }
            ListSrc::Field { level, field, .. } => self
                .field_ref(*level, *field)
                .ok_or_else(|| vec![Gap::Overflow])?,
        };
        match (self.case.value(r), self.rules.vocab.value_type(r)) {
            (Some(Value::Records(list)), _) => Ok((0..list.len() as u32)
                .map(|index| Elem::Record {
                    fact: r.fact(),
                    index,
                })
                .collect()),
            (Some(Value::Names(names)), ValueType::Names(l)) => {
                Ok(names.iter().map(|n| Elem::Name(l, *n)).collect())
            }
            _ => Err(vec![Gap::Missing(r)]),
        }
    }

    /// `any`, `all`, `count` or `sum` over a list, three-valued: an element whose condition is
    /// unknown makes the result unknown unless the known elements settle it (a count or sum then
    /// lies in an interval).
    fn quantified(
        &mut self,
        quantifier: Quantifier,
        list: &ListSrc,
        of: Option<&'a CExpr>,
        cond: Option<&'a CCond>,
    ) -> Res<'a> {
        let elems = self.elements(list)?;
        let mut trues = 0u32;
        let mut falses = 0u32;
        let mut gaps: Gaps = Vec::new();
        let mut total: Option<Amount> = None;
        let mut extra_low = Decimal::ZERO;
        let mut extra_high = Decimal::ZERO;
        for elem in &elems {
            self.elems.push(*elem);
            let tri = match cond {
                Some(c) => self.cond(c),
                None => Tri::True,
            };
            let value = match (quantifier, &tri) {
                (Quantifier::Sum, Tri::True | Tri::Unknown(_)) => of.map(|e| self.expr(e)),
                _ => None,
            };
            self.elems.pop();
            match &tri {
                Tri::True => trues += 1,
                Tri::False => falses += 1,
                Tri::Unknown(g) => gaps = merge(gaps, g.clone()),
            }
            match value {
                Some(Ok(V::Amount(a))) => match &tri {
                    Tri::True => {
                        total = Some(match total {
                            None => a,
                            Some(t) => match arith(ArithOp::Add, V::Amount(t), V::Amount(a))? {
                                V::Amount(sum) => sum,
                                _ => return Err(vec![Gap::Overflow]),
                            },
                        });
                    }
                    _ => {
                        extra_low += a.q.low.min(Decimal::ZERO);
                        extra_high += a.q.high.max(Decimal::ZERO);
                        gaps = merge(gaps, a.because);
                    }
                },
                Some(Ok(_)) => return Err(vec![Gap::Overflow]),
                Some(Err(g)) => gaps = merge(gaps, g),
                None => {}
            }
        }
        let n = elems.len() as u32;
        let unknown = n - trues - falses;
        let lost = self.on_focus(&gaps);
        let interval = |low: Decimal, high: Decimal, currency| Amount {
            q: quantity::Quantity {
                low,
                high,
                dep: if lost && low != high {
                    quantity::Dep::Lost
                } else {
                    quantity::Dep::Free
                },
            },
            currency,
            because: gaps.clone(),
        };
        match quantifier {
            Quantifier::Any if trues > 0 => Ok(V::Bool(true)),
            Quantifier::Any if unknown == 0 => Ok(V::Bool(false)),
            Quantifier::All if falses > 0 => Ok(V::Bool(false)),
            Quantifier::All if unknown == 0 => Ok(V::Bool(true)),
            Quantifier::Any | Quantifier::All => Err(gaps),
            Quantifier::Count => Ok(V::Amount(interval(
                Decimal::from(trues),
                Decimal::from(trues + unknown),
                None,
            ))),
            Quantifier::Sum => {
                if unknown > 0
                    && extra_low == extra_high
                    && extra_low.is_zero()
                    && !gaps.is_empty()
                    && of.is_none()
                {
                    return Err(gaps);
                }
                let currency = total
                    .as_ref()
                    .and_then(|t| t.currency)
                    .or_else(|| self.sum_currency(of));
                let (low, high) = match &total {
                    Some(t) => (t.q.low + extra_low, t.q.high + extra_high),
                    None => (extra_low, extra_high),
                };
                if unknown == 0
                    && let Some(t) = total
                {
                    return Ok(V::Amount(t));
                }
                Ok(V::Amount(interval(low, high, currency)))
            }
        }
    }

    /// The currency of a sum of amounts over no elements: the country's.
    fn sum_currency(&self, of: Option<&CExpr>) -> Option<Currency> {
        of?;
        let country = self.rules.vocab.countries.get(self.case.country)?;
        Some(country.currency)
    }

    /// A definition's computed value and reads, if it has been computed by a traced evaluation.
    fn computed(&self, id: DefId) -> Option<(&Res<'a>, &Reads)> {
        let slot = self.def_slot[id] as usize;
        Some((self.computed.get(slot)?, self.computed_reads.get(slot)?))
    }

    fn def(&mut self, id: DefId) -> Res<'a> {
        let slot = self.def_slot[id] as usize;
        if let Some(value) = self.computed.get(slot) {
            if self.trace {
                if let Some(reads) = self.computed_reads.get(slot) {
                    self.reads.extend(reads);
                }
                self.reads.defs.insert(id);
            }
            return value.clone();
        }
        // Only a traced evaluation records what a definition read (a lean one reads nothing).
        let value = if self.trace {
            let outer = std::mem::take(&mut self.reads);
            let value = self.expr(&self.rules.defs[id].expr);
            let reads = std::mem::replace(&mut self.reads, outer);
            self.reads.extend(&reads);
            self.reads.defs.insert(id);
            self.computed_reads.push(reads);
            value
        } else {
            self.expr(&self.rules.defs[id].expr)
        };
        self.def_slot[id] = u32::try_from(self.computed.len()).unwrap_or(u32::MAX);
        self.computed.push(value.clone());
        value
    }

    /// Whether the focus is among these gaps: a condition that turns on it.
    fn on_focus(&self, gaps: &Gaps) -> bool {
        self.focus
            .is_some_and(|f| gaps.iter().any(|g| g.var() == Some(f)))
    }

    fn expr(&mut self, e: &'a CExpr) -> Res<'a> {
        match e {
            CExpr::Money(m) => Ok(V::Amount(Amount::exact(m.amount, Some(m.currency)))),
            CExpr::Date(d) => Ok(V::Date(*d)),
            CExpr::Number(n) => Ok(V::Amount(Amount::exact(*n, None))),
            CExpr::Bool(b) => Ok(V::Bool(*b)),
            CExpr::CaseDate => {
                if self.trace {
                    self.reads.date = true;
                }
                Ok(V::Date(self.case.date))
            }
            CExpr::Fact { fact, default } => match (self.read_fact(*fact), default) {
                (Some(v), _) => Ok(v),
                (None, Some(d)) => {
                    if self.trace {
                        self.defaults_used.insert(*fact);
                    }
                    self.expr(d)
                }
                (None, None) => Err(vec![Gap::Missing(FactRef::Fact(*fact))]),
            },
            CExpr::Field {
                level,
                field,
                default,
                ..
            } => {
                let r = self
                    .field_ref(*level, *field)
                    .ok_or_else(|| vec![Gap::Overflow])?;
                if self.trace {
                    self.reads.facts.insert(r.fact());
                }
                match (self.value(r), default) {
                    (Some(v), _) => Ok(v),
                    (None, Some(d)) => self.expr(d),
                    (None, None) => Err(vec![Gap::Missing(r)]),
                }
            }
            CExpr::Element { level, .. } => match self.elems.get(*level as usize) {
                Some(Elem::Name(l, n)) => Ok(V::Name(*l, *n)),
                _ => Err(vec![Gap::Overflow]),
            },
            CExpr::RecordDef { level, def } => {
                let elem = *self
                    .elems
                    .get(*level as usize)
                    .ok_or_else(|| vec![Gap::Overflow])?;
                // A record's definition sees its element alone.
                let outer = std::mem::replace(&mut self.elems, vec![elem]);
                let value = self.expr(&self.rules.defs[*def].expr);
                self.elems = outer;
                value
            }
            CExpr::Quant {
                quantifier,
                list,
                of,
                cond,
                ..
            } => self.quantified(*quantifier, list, of.as_deref(), cond.as_deref()),
            CExpr::Param(p) => {
                if self.trace {
                    self.reads.params.insert(*p);
                }
                self.param(*p)
            }
            CExpr::Def(d) => self.def(*d),
            CExpr::Arith { op, left, right } => {
                let l = self.expr(left);
                let r = self.expr(right);
                let (l, r) = match (l, r) {
                    (Ok(l), Ok(r)) => (l, r),
                    (Err(a), Err(b)) => return Err(merge(a, b)),
                    (Err(a), _) | (_, Err(a)) => return Err(a),
                };
                arith(*op, l, r)
            }
            CExpr::PercentOf { percent, of } => match self.expr(of)? {
                V::Amount(a) => {
                    let q =
                        a.q.scale(*percent)
                            .and_then(|q| q.divide(Decimal::ONE_HUNDRED))
                            .map_err(|_| vec![Gap::Overflow])?;
                    Ok(V::Amount(Amount { q, ..a }))
                }
                other => Ok(other),
            },
            CExpr::Cond(c) => match self.cond(c) {
                Tri::True => Ok(V::Bool(true)),
                Tri::False => Ok(V::Bool(false)),
                Tri::Unknown(g) => Err(g),
            },
            CExpr::If {
                cond,
                then,
                otherwise,
            } => match self.cond(cond) {
                Tri::True => self.expr(then),
                Tri::False => self.expr(otherwise),
                Tri::Unknown(g) => {
                    // Either branch is possible: an amount lies somewhere between the two;
                    // anything else is simply unknown.
                    let on_focus = self.on_focus(&g);
                    match (self.expr(then), self.expr(otherwise)) {
                        (Ok(V::Amount(a)), Ok(V::Amount(b))) if a.currency == b.currency => {
                            let because = merge(merge(a.because, b.because), g);
                            Ok(V::Amount(Amount {
                                q: a.q.hull(&b.q, on_focus),
                                currency: a.currency,
                                because,
                            }))
                        }
                        (Err(e), _) | (_, Err(e)) => Err(merge(g, e)),
                        _ => Err(g),
                    }
                }
            },
        }
    }

    pub(crate) fn cond(&mut self, c: &'a CCond) -> Tri {
        match c {
            CCond::And(items) => {
                let mut gaps = Vec::new();
                for i in items {
                    match self.cond(i) {
                        Tri::False => return Tri::False,
                        Tri::True => {}
                        Tri::Unknown(g) => gaps = merge(gaps, g),
                    }
                }
                if gaps.is_empty() {
                    Tri::True
                } else {
                    Tri::Unknown(gaps)
                }
            }
            CCond::Or(items) => {
                let mut gaps = Vec::new();
                for i in items {
                    match self.cond(i) {
                        Tri::True => return Tri::True,
                        Tri::False => {}
                        Tri::Unknown(g) => gaps = merge(gaps, g),
                    }
                }
                if gaps.is_empty() {
                    Tri::False
                } else {
                    Tri::Unknown(gaps)
                }
            }
            CCond::Not(inner) => match self.cond(inner) {
                Tri::True => Tri::False,
                Tri::False => Tri::True,
                u => u,
            },
            CCond::Truth(e) => match self.expr(e) {
                Ok(V::Bool(true)) => Tri::True,
                Ok(_) => Tri::False,
                Err(g) => Tri::Unknown(g),
            },
            CCond::Compare { op, left, right } => {
                let l = self.expr(left);
                let r = self.expr(right);
                match (l, r) {
                    (Ok(l), Ok(r)) => self.compare(site(c, 0), *op, &l, &r),
                    (Err(a), Err(b)) => Tri::Unknown(merge(a, b)),
                    (Err(a), _) | (_, Err(a)) => Tri::Unknown(a),
                }
            }
            CCond::Between { subject, low, high } => {
                let s = self.expr(subject);
                let lo = self.expr(low);
                let hi = self.expr(high);
                match (s, lo, hi) {
                    (Ok(s), Ok(lo), Ok(hi)) => {
                        let above = self.compare(site(c, 0), CmpOp::Ge, &s, &lo);
                        let below = self.compare(site(c, 1), CmpOp::Le, &s, &hi);
                        and(above, below)
                    }
                    (s, lo, hi) => {
                        let gaps = [s.err(), lo.err(), hi.err()]
                            .into_iter()
                            .flatten()
                            .fold(Vec::new(), merge);
                        Tri::Unknown(gaps)
                    }
                }
            }
            CCond::Is {
                subject,
                negated,
                values,
            } => match self.expr(subject) {
                Ok(V::Name(_, n)) => {
                    let found = values.contains(&n);
                    if found != *negated {
                        Tri::True
                    } else {
                        Tri::False
                    }
                }
                Ok(_) => Tri::False,
                Err(g) => Tri::Unknown(g),
            },
            CCond::IsMissing { fact, negated } => {
                let r = match fact {
                    Stated::Fact(f) => Some(FactRef::Fact(*f)),
                    Stated::Field { level, field, .. } => self.field_ref(*level, *field),
                };
                let Some(r) = r else {
                    return Tri::Unknown(vec![Gap::Overflow]);
                };
                if self.trace {
                    self.reads.facts.insert(r.fact());
                }
                let missing = !self.present(r);
                if missing != *negated {
                    Tri::True
                } else {
                    Tri::False
                }
            }
        }
    }

    /// Compares two values; where the answer turns on the focus, records where it flips.
    fn compare(&mut self, site: usize, op: CmpOp, l: &V<'_>, r: &V<'_>) -> Tri {
        let tri = compare(op, l, r);
        if let (Tri::Unknown(_), Some(_), V::Amount(a), V::Amount(b)) = (&tri, self.focus, l, r) {
            match a.q.crossings(&b.q) {
                Some(points) => self.crossings.extend(points),
                None => self.lost = true,
            }
            if let Some(slope) = a.q.difference_slope(&b.q) {
                self.slopes.push((site, slope));
            }
        }
        tri
    }

    // ---- tracing for explanations ----------------------------------------------------------

    /// The values a rule's texts name are shown too, with what they were computed from.
    fn add_template_reads(&mut self, rule: RuleId, shown: &mut Reads) {
        for template in &self.rules.rules[rule].templates {
            for part in template {
                match part {
                    crate::check::TemplatePart::Value(crate::check::NameRef::Fact(f)) => {
                        shown.facts.insert(*f);
                    }
                    crate::check::TemplatePart::Value(crate::check::NameRef::Date) => {
                        shown.date = true;
                    }
                    crate::check::TemplatePart::Value(crate::check::NameRef::Param(p)) => {
                        shown.params.insert(*p);
                    }
                    crate::check::TemplatePart::Value(crate::check::NameRef::Def(d)) => {
                        let _ = self.def(*d);
                        if let Some((_, reads)) = self.computed(*d) {
                            shown.extend(reads);
                        }
                        shown.defs.insert(*d);
                    }
                    crate::check::TemplatePart::Text(_) => {}
                }
            }
        }
    }

    fn trace_values(&mut self, reads: &Reads, values: &mut Vec<ValueTrace>, notes: &mut Vec<Note>) {
        let (facts, params, defs) = (
            reads.facts.clone(),
            reads.params.clone(),
            reads.defs.clone(),
        );
        let rules = self.rules;
        let vocab = &rules.vocab;
        if reads.date {
            values.push(ValueTrace {
                name: "date".to_string(),
                kind: ValueKind::Fact,
                value: Shown::Date {
                    value: self.case.date,
                },
                period: None,
                parts: Vec::new(),
                citations: Vec::new(),
            });
        }
        for fact in facts.iter() {
            let path = vocab.fact_decl(fact).path.clone();
            let value = match self.value(FactRef::Fact(fact)) {
                Some(v) => shown(&v, vocab),
                None if self.defaults_used.contains(&fact) => {
                    // Shown as a part of the sum it defaulted in, and in the notes.
                    notes.push(Note::DefaultUsed { fact: path });
                    continue;
                }
                None => match self.case.get(&path) {
                    // A list: its elements, each on one line.
                    Some(text) => Shown::Text { value: text },
                    None => Shown::Unknown,
                },
            };
            values.push(ValueTrace {
                name: path,
                kind: ValueKind::Fact,
                value,
                period: None,
                parts: Vec::new(),
                citations: Vec::new(),
            });
        }
        for p in defs.iter() {
            let value = self.def(p).map_or(Shown::Unknown, |v| shown(&v, vocab));
            let parts = self.parts(&self.rules.defs[p].expr);
            let citations = citations_on(self.rules, &self.rules.defs[p].cites, self.case.date);
            values.push(ValueTrace {
                name: self.rules.defs[p].name.clone(),
                kind: ValueKind::Computed,
                value,
                period: None,
                parts,
                citations,
            });
        }
        for p in params.iter() {
            let param = &self.rules.params[p];
            let value = self.param(p).map_or(Shown::Unknown, |v| shown(&v, vocab));
            let period = self.entry(p).map(|(i, e)| Period {
                from: e.from,
                to: param
                    .entries
                    .get(i + 1)
                    .and_then(|next| next.from.yesterday().ok()),
                citation: e.cite.as_ref().map(|c| citation(self.rules, c)),
                unverified: e.unverified,
                note: e.note.clone(),
            });
            if period.as_ref().is_some_and(|p| p.unverified) {
                notes.push(Note::UnverifiedValue {
                    parameter: param.name.clone(),
                });
            }
            values.push(ValueTrace {
                name: param.name.clone(),
                kind: ValueKind::Parameter,
                value,
                period,
                parts: Vec::new(),
                citations: Vec::new(),
            });
        }
    }

    /// The terms of a sum, each with its value; empty for anything that is not a sum.
    fn parts(&mut self, e: &'a CExpr) -> Vec<Part> {
        let mut terms = Vec::new();
        flatten_sum(e, Sign::Plus, &mut terms);
        if terms.len() < 2 {
            return Vec::new();
        }
        terms
            .into_iter()
            .map(|(sign, term)| {
                let (name, defaulted) = match term {
                    CExpr::Fact { fact, .. } => (
                        self.rules.vocab.fact_decl(*fact).path.clone(),
                        !self.present(FactRef::Fact(*fact)),
                    ),
                    CExpr::Param(p) => (self.rules.params[*p].name.clone(), false),
                    CExpr::Def(d) => (self.rules.defs[*d].name.clone(), false),
                    other => (describe_expr(self.rules, other), false),
                };
                let value = self
                    .expr(term)
                    .map_or(Shown::Unknown, |v| shown(&v, &self.rules.vocab));
                Part {
                    name,
                    sign,
                    value,
                    defaulted,
                }
            })
            .collect()
    }
}

fn flatten_sum<'e>(e: &'e CExpr, sign: Sign, out: &mut Vec<(Sign, &'e CExpr)>) {
    match e {
        CExpr::Arith {
            op: ArithOp::Add,
            left,
            right,
        } => {
            flatten_sum(left, sign, out);
            flatten_sum(right, sign, out);
        }
        CExpr::Arith {
            op: ArithOp::Sub,
            left,
            right,
        } => {
            flatten_sum(left, sign, out);
            let flipped = if sign == Sign::Plus {
                Sign::Minus
            } else {
                Sign::Plus
            };
            flatten_sum(right, flipped, out);
        }
        other => out.push((sign, other)),
    }
}

/// A short rendering of an expression for a part of a sum that is not a plain name.
pub(crate) fn describe_expr(rules: &RuleSet, e: &CExpr) -> String {
    match e {
        CExpr::Money(m) => m.to_string(),
        CExpr::Date(d) => d.to_string(),
        CExpr::Number(n) => n.to_string(),
        CExpr::Bool(b) => b.to_string(),
        CExpr::CaseDate => "date".to_string(),
        CExpr::Fact { fact, .. } => rules.vocab.fact_decl(*fact).path.clone(),
        CExpr::Field { field, .. } => format!("…{field}"),
        CExpr::Element { .. } => "…".to_string(),
        CExpr::RecordDef { def, .. } => rules.defs[*def].name.clone(),
        CExpr::Quant { .. } => "…".to_string(),
        CExpr::Param(p) => rules.params[*p].name.clone(),
        CExpr::Def(d) => rules.defs[*d].name.clone(),
        CExpr::Arith { op, left, right } => {
            let sign = match op {
                ArithOp::Add => "+",
                ArithOp::Sub => "-",
                ArithOp::Mul => "×",
            };
            format!(
                "{} {sign} {}",
                describe_expr(rules, left),
                describe_expr(rules, right)
            )
        }
        CExpr::PercentOf { percent, of } => format!("{percent} % of {}", describe_expr(rules, of)),
        CExpr::If {
            then, otherwise, ..
        } => {
            format!(
                "if … then {} else {}",
                describe_expr(rules, then),
                describe_expr(rules, otherwise)
            )
        }
        CExpr::Cond(_) => "…".to_string(),
    }
}

/// The citations of an item that apply on a day: a source with a period (an act in force, the
/// guidance on one period's amounts) is cited only for days inside it, so a rule in force across
/// a change of act names the act of the case's date.
pub(crate) fn citations_on(
    rules: &RuleSet,
    cites: &[Cite],
    day: jiff::civil::Date,
) -> Vec<Citation> {
    let mut out = Vec::with_capacity(cites.len());
    out.extend(
        cites
            .iter()
            .filter(|c| rules.sources[c.source].in_force_on(day))
            .map(|c| citation(rules, c)),
    );
    out
}

/// A citation of a place in a source. Its texts are the rule set's, shared: a citation costs a
/// few reference counts, not an allocation.
pub(crate) fn citation(rules: &RuleSet, cite: &Cite) -> Citation {
    let source = &rules.sources[cite.source];
    Citation {
        source: source.name.clone(),
        label: source.short.clone(),
        title: source.title.clone(),
        pinpoint: cite.pinpoint.clone(),
        unverified: cite.unverified,
        url: source.url.clone(),
    }
}

fn shown(v: &V<'_>, vocab: &Vocabulary) -> Shown {
    match v {
        V::Amount(a) => match a.currency {
            Some(currency) if a.q.is_exact() => Shown::money(Money::new(a.q.low, currency)),
            Some(currency) => Shown::MoneyRange {
                low: a.q.low,
                high: a.q.high,
                currency,
            },
            None if a.q.is_exact() => Shown::Number { value: a.q.low },
            None => Shown::NumberRange {
                low: a.q.low,
                high: a.q.high,
            },
        },
        V::Date(d) => Shown::Date { value: *d },
        V::Bool(b) => Shown::Bool { value: *b },
        V::Name(l, n) => Shown::Text {
            value: vocab.name_text(*l, *n).to_string(),
        },
        V::Text(t) => Shown::Text {
            value: (*t).to_string(),
        },
        V::Cpv(c) => Shown::Text {
            value: format!("{c:08}"),
        },
    }
}

/// Where a comparison sits in the rule set: the address of its condition (checked rules do not
/// move while a rule set is borrowed), and which of its comparisons it is.
fn site(c: &CCond, which: usize) -> usize {
    (c as *const CCond as usize).wrapping_add(which)
}

fn and(a: Tri, b: Tri) -> Tri {
    match (a, b) {
        (Tri::False, _) | (_, Tri::False) => Tri::False,
        (Tri::True, Tri::True) => Tri::True,
        (Tri::Unknown(x), Tri::Unknown(y)) => Tri::Unknown(merge(x, y)),
        (Tri::Unknown(x), _) | (_, Tri::Unknown(x)) => Tri::Unknown(x),
    }
}

fn arith<'c>(op: ArithOp, l: V<'c>, r: V<'c>) -> Res<'c> {
    let overflow = |_| vec![Gap::Overflow];
    let (V::Amount(a), V::Amount(b)) = (l, r) else {
        return Err(vec![Gap::Overflow]);
    };
    let because = merge(a.because, b.because);
    match op {
        ArithOp::Add | ArithOp::Sub => {
            if a.currency != b.currency {
                let (Some(x), Some(y)) = (a.currency, b.currency) else {
                    return Err(vec![Gap::Overflow]);
                };
                return Err(vec![Gap::Currency(x, y)]);
            }
            let q = if op == ArithOp::Add {
                a.q.add(&b.q)
            } else {
                a.q.sub(&b.q)
            }
            .map_err(overflow)?;
            Ok(V::Amount(Amount {
                q,
                currency: a.currency,
                because,
            }))
        }
        ArithOp::Mul => {
            // The checker allows an amount times a number, or two numbers.
            let currency = a.currency.or(b.currency);
            let q = a.q.mul(&b.q).map_err(overflow)?;
            Ok(V::Amount(Amount {
                q,
                currency,
                because,
            }))
        }
    }
}

fn compare(op: CmpOp, l: &V<'_>, r: &V<'_>) -> Tri {
    use std::cmp::Ordering;
    let exact = |ord: Ordering| {
        let holds = match op {
            CmpOp::Lt => ord == Ordering::Less,
            CmpOp::Le => ord != Ordering::Greater,
            CmpOp::Gt => ord == Ordering::Greater,
            CmpOp::Ge => ord != Ordering::Less,
            CmpOp::Eq => ord == Ordering::Equal,
            CmpOp::Ne => ord != Ordering::Equal,
        };
        if holds { Tri::True } else { Tri::False }
    };
    match (l, r) {
        (V::Amount(a), V::Amount(b)) => {
            if a.currency != b.currency {
                return match (b.currency, a.currency) {
                    (Some(expected), Some(found)) => {
                        Tri::Unknown(vec![Gap::Currency(expected, found)])
                    }
                    _ => Tri::False,
                };
            }
            let (a_low, a_high, b_low, b_high) = (a.q.low, a.q.high, b.q.low, b.q.high);
            if a_low == a_high && b_low == b_high {
                return exact(a_low.cmp(&b_low));
            }
            // Interval comparison: true or false only if it holds for every point of both.
            let all = |f: &dyn Fn(Decimal, Decimal) -> bool| {
                f(a_low, b_low) && f(a_low, b_high) && f(a_high, b_low) && f(a_high, b_high)
            };
            let holds = |x: Decimal, y: Decimal| matches!(exact(x.cmp(&y)), Tri::True);
            let fails = |x: Decimal, y: Decimal| matches!(exact(x.cmp(&y)), Tri::False);
            // For = and != on intervals, overlapping means unknown, disjoint means decided.
            let disjoint = a_high < b_low || b_high < a_low;
            let decided = match op {
                CmpOp::Eq => disjoint.then_some(Tri::False),
                CmpOp::Ne => disjoint.then_some(Tri::True),
                _ if all(&holds) => Some(Tri::True),
                _ if all(&fails) => Some(Tri::False),
                _ => None,
            };
            decided.unwrap_or_else(|| Tri::Unknown(merge(a.because.clone(), b.because.clone())))
        }
        (V::Date(a), V::Date(b)) => exact(a.cmp(b)),
        (V::Cpv(a), V::Amount(b)) if b.q.is_exact() => exact(Decimal::from(*a).cmp(&b.q.low)),
        (V::Amount(a), V::Cpv(b)) if a.q.is_exact() => exact(a.q.low.cmp(&Decimal::from(*b))),
        (V::Cpv(a), V::Cpv(b)) => exact(a.cmp(b)),
        (V::Name(_, a), V::Name(_, b)) => exact(a.cmp(b)),
        (V::Text(a), V::Text(b)) => exact(a.cmp(b)),
        (V::Bool(a), V::Bool(b)) => exact(a.cmp(b)),
        _ => Tri::False,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The index of the rules in force gives, on every day where the rules in force change and
    /// the days either side, exactly the rules of the scope in force on that day, in rule order.
    #[test]
    fn the_index_of_rules_in_force_is_the_rules_in_force() {
        let rules = RuleSet::embedded_for_deciding().expect("the embedded rules check");
        let mut days = vec![Date::MIN, Date::MAX];
        for rule in &rules.rules {
            for day in rule.valid_from.into_iter().chain(rule.valid_to) {
                days.push(day);
                days.extend(day.yesterday().ok());
                days.extend(day.tomorrow().ok());
            }
        }
        for ((country, kind), scope) in &rules.index.scopes {
            assert!(
                scope.windows(2).all(|w| w[0] < w[1]),
                "a scope in rule order"
            );
            for &day in &days {
                let expected: Vec<RuleId> = scope
                    .iter()
                    .copied()
                    .filter(|&id| rules.rules[id].in_force_on(day))
                    .collect();
                assert_eq!(
                    rules.index.rules_in_force(*country, *kind, day),
                    expected.as_slice(),
                    "{day}"
                );
            }
        }
    }
}
