//! The largest booking lines of one group, kept for the report.
//!
//! A group keeps at most [`LINES_KEPT`] lines: those of highest rank, where the rank of a line is
//! its amount without sign and then its place (the earlier place first). The lines are held in
//! place in the group, with their amounts in an array of their own: a line that does not beat
//! the lowest kept one — most lines of a large group — is turned away after one comparison with
//! a number already at hand, and a line that does is written over the lowest in one slot. No
//! line allocates (the references are inline when short), and there is no pointer to follow.
//!
//! Invariant: whatever the order in which lines are offered, a `Kept` holds exactly the
//! highest-ranked `LINES_KEPT` of all the lines offered (all of them, if fewer). The rank is a
//! total order — no two lines share a place — so which lines are kept never depends on which
//! thread read them first.

use std::cmp::Ordering;

use jiff::civil::Date;

use super::{LINES_KEPT, SEPARATOR, ledger, ledger::Minor};

/// A line's place: (file, line).
pub(super) type Place = (u32, u64);

/// A kept line, without its amount (in [`Kept::amounts`]).
#[derive(Debug, Clone)]
pub(super) struct KeptLine {
    pub line: u64,
    pub file: u32,
    pub date: Date,
    pub refs: Refs,
}

impl KeptLine {
    const EMPTY: KeptLine = KeptLine {
        line: 0,
        file: 0,
        date: Date::MIN,
        refs: Refs::EMPTY,
    };

    fn place(&self) -> Place {
        (self.file, self.line)
    }
}

/// The highest-ranked lines of a group (see the module's documentation).
#[derive(Debug, Clone)]
pub(super) struct Kept {
    /// The kept lines' amounts, by slot.
    amounts: [Minor; LINES_KEPT],
    lines: [KeptLine; LINES_KEPT],
    /// How many slots hold a line.
    len: u8,
    /// When every slot holds a line, the slot of the lowest-ranked one.
    lowest: u8,
}

impl Default for Kept {
    fn default() -> Kept {
        Kept {
            amounts: [0; LINES_KEPT],
            lines: [const { KeptLine::EMPTY }; LINES_KEPT],
            len: 0,
            lowest: 0,
        }
    }
}

/// How the rank of a line with `amount` at `place` compares with that of another.
fn rank_order(amount: Minor, place: Place, other_amount: Minor, other_place: Place) -> Ordering {
    amount
        .unsigned_abs()
        .cmp(&other_amount.unsigned_abs())
        .then_with(|| other_place.cmp(&place))
}

impl Kept {
    /// Offers a line: kept when fewer than [`LINES_KEPT`] are, or when it outranks the lowest
    /// kept line, which it then replaces. `refs` is asked for only when the line is kept.
    pub fn offer(&mut self, amount: Minor, place: Place, date: Date, refs: impl FnOnce() -> Refs) {
        let slot = if usize::from(self.len) < LINES_KEPT {
            self.len += 1;
            usize::from(self.len) - 1
        } else {
            let lowest = usize::from(self.lowest);
            let beats = rank_order(
                amount,
                place,
                self.amounts[lowest],
                self.lines[lowest].place(),
            ) == Ordering::Greater;
            if !beats {
                return;
            }
            lowest
        };
        self.amounts[slot] = amount;
        self.lines[slot] = KeptLine {
            line: place.1,
            file: place.0,
            date,
            refs: refs(),
        };
        if usize::from(self.len) == LINES_KEPT {
            self.find_lowest();
        }
    }

    fn find_lowest(&mut self) {
        let mut lowest = 0;
        for slot in 1..LINES_KEPT {
            let order = rank_order(
                self.amounts[slot],
                self.lines[slot].place(),
                self.amounts[lowest],
                self.lines[lowest].place(),
            );
            if order == Ordering::Less {
                lowest = slot;
            }
        }
        self.lowest = lowest as u8;
    }

    /// The kept lines with their amounts, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = (Minor, &KeptLine)> {
        let len = usize::from(self.len);
        self.amounts.iter().copied().zip(&self.lines).take(len)
    }
}

/// How many bytes of voucher and invoice numbers a kept line holds in place: enough for most
/// (`LF25-0000001` and `922956` take 20), and [`Refs`] is then 24 bytes.
const INLINE_REFS: usize = 22;

/// A booking line's voucher and invoice numbers as the file has them, separated by
/// [`SEPARATOR`]: inline when short (they nearly always are), so that keeping a line allocates
/// nothing. Read as text only for the report.
#[derive(Debug, Clone)]
pub(super) enum Refs {
    Inline { len: u8, bytes: [u8; INLINE_REFS] },
    Heap(Box<[u8]>),
}

impl Refs {
    pub const EMPTY: Refs = Refs::Inline {
        len: 0,
        bytes: [0; INLINE_REFS],
    };

    pub fn new(verification: &[u8], invoice: &[u8]) -> Refs {
        let len = verification.len() + 1 + invoice.len();
        if len <= INLINE_REFS {
            let mut bytes = [0u8; INLINE_REFS];
            bytes[..verification.len()].copy_from_slice(verification);
            bytes[verification.len()] = SEPARATOR;
            bytes[verification.len() + 1..len].copy_from_slice(invoice);
            return Refs::Inline {
                len: len as u8,
                bytes,
            };
        }
        Refs::Heap([verification, &[SEPARATOR], invoice].concat().into())
    }

    /// The voucher and invoice numbers.
    pub fn parts(&self) -> (String, String) {
        let bytes = match self {
            Refs::Inline { len, bytes } => &bytes[..usize::from(*len)],
            Refs::Heap(bytes) => bytes,
        };
        let (v, i) = match bytes.iter().position(|&b| b == SEPARATOR) {
            Some(p) => (&bytes[..p], &bytes[p + 1..]),
            None => (bytes, &[][..]),
        };
        (ledger::text(v).into_owned(), ledger::text(i).into_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The lines a plain sort keeps: the highest-ranked, as (amount, place).
    fn by_sorting(lines: &[(Minor, Place)]) -> Vec<(Minor, Place)> {
        let mut sorted = lines.to_vec();
        sorted.sort_by(|a, b| rank_order(b.0, b.1, a.0, a.1));
        sorted.truncate(LINES_KEPT);
        sorted.sort_by_key(|l| l.1);
        sorted
    }

    fn kept(kept: &Kept) -> Vec<(Minor, Place)> {
        let mut lines: Vec<_> = kept.iter().map(|(a, l)| (a, l.place())).collect();
        lines.sort_by_key(|l| l.1);
        lines
    }

    fn offered(lines: &[(Minor, Place)]) -> Kept {
        let mut k = Kept::default();
        for &(amount, place) in lines {
            let refs = || Refs::new(format!("V{}", place.1).as_bytes(), b"F");
            k.offer(amount, place, Date::MIN, refs);
        }
        k
    }

    /// Lines with distinct places and amounts from a small range, so that ties are common.
    fn lines() -> impl Strategy<Value = Vec<(Minor, Place)>> {
        proptest::collection::vec((-6i64..=6, 0u32..3), 0..40).prop_map(|raw| {
            raw.into_iter()
                .enumerate()
                .map(|(i, (amount, file))| (amount * 1000, (file, i as u64)))
                .collect()
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, failure_persistence: None, ..ProptestConfig::default() })]
        #[test]
        fn offering_in_any_order_keeps_what_a_sort_keeps(
            lines in lines(),
            order in proptest::collection::vec(any::<proptest::sample::Index>(), 40),
        ) {
            let mut shuffled = lines.clone();
            for (i, pick) in order.iter().enumerate().take(shuffled.len()) {
                let j = pick.index(shuffled.len());
                shuffled.swap(i, j);
            }
            prop_assert_eq!(kept(&offered(&shuffled)), by_sorting(&lines));
        }
    }

    #[test]
    fn references_short_and_long_survive_keeping() {
        let mut a = Kept::default();
        a.offer(5, (0, 1), Date::MIN, || Refs::new(b"V1", b"F1"));
        let long = [b'x'; 40];
        a.offer(-7, (0, 2), Date::MIN, || Refs::new(&long, b"F2"));
        let mut parts: Vec<_> = a.iter().map(|(m, l)| (m, l.refs.parts())).collect();
        parts.sort();
        assert_eq!(
            parts,
            [
                (-7, ("x".repeat(40), "F2".to_string())),
                (5, ("V1".to_string(), "F1".to_string()))
            ]
        );
    }
}
