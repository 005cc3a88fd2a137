//! Quantities: exact decimals or intervals, and, while the case split studies one unknown
//! quantity `x`, how a value moves with it.
//!
//! An amount the rules compute is known exactly (`low == high`) or only to lie in `low..=high`
//! (a parameter known as a range, a fact the split has narrowed to an interval). When the split
//! studies an unknown `x` (its *focus*), every quantity also records whether it is independent of
//! `x`, affine in it (`slope·x + c` with `c` in an interval), or depends on it some other way.
//! A comparison whose answer turns on `x` then yields the values of `x` where it flips: the
//! critical points that cut the domain of `x` into classes on which every comparison is constant.

use rust_decimal::Decimal;

/// How a quantity depends on the split's focus.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Dep {
    /// Independent of the focus (also when no focus is studied).
    Free,
    /// `slope·x + c`, with `c` somewhere in `c_low..=c_high`. Boxed: only the case split's
    /// probes make these, and a small `Dep` keeps every other evaluation's values small.
    Affine(Box<Line>),
    /// Depends on the focus, but not affinely (e.g. through an `if` on it).
    Lost,
}

/// `slope·x + c`, with `c` somewhere in `c_low..=c_high`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Line {
    pub slope: Decimal,
    pub c_low: Decimal,
    pub c_high: Decimal,
}

fn affine(slope: Decimal, c_low: Decimal, c_high: Decimal) -> Dep {
    Dep::Affine(Box::new(Line {
        slope,
        c_low,
        c_high,
    }))
}

/// An exact value or an interval, with its dependence on the focus.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Quantity {
    pub low: Decimal,
    pub high: Decimal,
    pub dep: Dep,
}

/// Arithmetic left the range of exact decimals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Overflow;

type Q = Result<Quantity, Overflow>;

impl Quantity {
    pub fn exact(v: Decimal) -> Quantity {
        Quantity {
            low: v,
            high: v,
            dep: Dep::Free,
        }
    }

    pub fn interval(low: Decimal, high: Decimal) -> Quantity {
        Quantity {
            low,
            high,
            dep: Dep::Free,
        }
    }

    /// The focus itself, known to lie in `low..=high`.
    pub fn focus(low: Decimal, high: Decimal) -> Quantity {
        Quantity {
            low,
            high,
            dep: affine(Decimal::ONE, Decimal::ZERO, Decimal::ZERO),
        }
    }

    pub fn is_exact(&self) -> bool {
        self.low == self.high
    }

    /// `slope` and the interval of `c` when the quantity is written `slope·x + c`.
    fn affine(&self) -> Option<(Decimal, Decimal, Decimal)> {
        match &self.dep {
            Dep::Free => Some((Decimal::ZERO, self.low, self.high)),
            Dep::Affine(line) => Some((line.slope, line.c_low, line.c_high)),
            Dep::Lost => None,
        }
    }

    pub fn add(&self, other: &Quantity) -> Q {
        let low = self.low.checked_add(other.low).ok_or(Overflow)?;
        let high = self.high.checked_add(other.high).ok_or(Overflow)?;
        let dep = match (&self.dep, &other.dep) {
            (Dep::Free, Dep::Free) => Dep::Free,
            (Dep::Lost, _) | (_, Dep::Lost) => Dep::Lost,
            _ => match (self.affine(), other.affine()) {
                (Some((s1, l1, h1)), Some((s2, l2, h2))) => affine(
                    s1.checked_add(s2).ok_or(Overflow)?,
                    l1.checked_add(l2).ok_or(Overflow)?,
                    h1.checked_add(h2).ok_or(Overflow)?,
                ),
                _ => Dep::Lost,
            },
        };
        Ok(Quantity { low, high, dep })
    }

    pub fn neg(&self) -> Quantity {
        Quantity {
            low: -self.high,
            high: -self.low,
            dep: match &self.dep {
                Dep::Affine(line) => affine(-line.slope, -line.c_high, -line.c_low),
                other => other.clone(),
            },
        }
    }

    pub fn sub(&self, other: &Quantity) -> Q {
        self.add(&other.neg())
    }

    /// Multiplied by an exact number.
    pub fn scale(&self, n: Decimal) -> Q {
        let x = self.low.checked_mul(n).ok_or(Overflow)?;
        let y = self.high.checked_mul(n).ok_or(Overflow)?;
        let dep = match &self.dep {
            Dep::Affine(line) => {
                let a = line.c_low.checked_mul(n).ok_or(Overflow)?;
                let b = line.c_high.checked_mul(n).ok_or(Overflow)?;
                affine(
                    line.slope.checked_mul(n).ok_or(Overflow)?,
                    a.min(b),
                    a.max(b),
                )
            }
            other => other.clone(),
        };
        Ok(Quantity {
            low: x.min(y),
            high: x.max(y),
            dep,
        })
    }

    /// Divided by an exact, non-zero number (a percentage's hundred).
    pub fn divide(&self, n: Decimal) -> Q {
        if n.is_zero() {
            return Err(Overflow);
        }
        // Dividing exactly where the decimal allows it keeps `x / 100` exact.
        let div = |v: Decimal| v.checked_div(n).ok_or(Overflow);
        let (x, y) = (div(self.low)?, div(self.high)?);
        let dep = match &self.dep {
            Dep::Affine(line) => {
                let (a, b) = (div(line.c_low)?, div(line.c_high)?);
                affine(div(line.slope)?, a.min(b), a.max(b))
            }
            other => other.clone(),
        };
        Ok(Quantity {
            low: x.min(y),
            high: x.max(y),
            dep,
        })
    }

    /// The product of two quantities; affine only when one of them is exact and free.
    pub fn mul(&self, other: &Quantity) -> Q {
        if other.is_exact() && other.dep == Dep::Free {
            return self.scale(other.low);
        }
        if self.is_exact() && self.dep == Dep::Free {
            return other.scale(self.low);
        }
        let corners = [
            self.low.checked_mul(other.low).ok_or(Overflow)?,
            self.low.checked_mul(other.high).ok_or(Overflow)?,
            self.high.checked_mul(other.low).ok_or(Overflow)?,
            self.high.checked_mul(other.high).ok_or(Overflow)?,
        ];
        let low = corners.iter().copied().fold(corners[0], Decimal::min);
        let high = corners.iter().copied().fold(corners[0], Decimal::max);
        let dep = if self.dep == Dep::Free && other.dep == Dep::Free {
            Dep::Free
        } else {
            Dep::Lost
        };
        Ok(Quantity { low, high, dep })
    }

    /// The smallest interval holding both, for a value that is one or the other.
    pub fn hull(&self, other: &Quantity, condition_on_focus: bool) -> Quantity {
        let dep = if !condition_on_focus && self.dep == other.dep {
            self.dep.clone()
        } else if !condition_on_focus && self.dep == Dep::Free && other.dep == Dep::Free {
            Dep::Free
        } else {
            Dep::Lost
        };
        Quantity {
            low: self.low.min(other.low),
            high: self.high.max(other.high),
            dep,
        }
    }

    /// How fast `self - other` moves with the focus, when it moves affinely.
    pub fn difference_slope(&self, other: &Quantity) -> Option<Decimal> {
        let diff = self.sub(other).ok()?;
        diff.affine().map(|(slope, _, _)| slope)
    }

    /// Where `self - other` crosses zero as the focus moves: the critical points of a comparison
    /// of the two. Empty when the difference does not depend on the focus; `None` when it
    /// depends on it in a way this cannot follow.
    pub fn crossings(&self, other: &Quantity) -> Option<Vec<Decimal>> {
        if self.dep == Dep::Free && other.dep == Dep::Free {
            return Some(Vec::new());
        }
        let diff = self.sub(other).ok()?;
        let (slope, c_low, c_high) = diff.affine()?;
        if slope.is_zero() {
            return Some(Vec::new());
        }
        let mut points = Vec::with_capacity(2);
        for c in [c_low, c_high] {
            if let Some(x) = (-c).checked_div(slope)
                && !points.contains(&x)
            {
                points.push(x);
            }
        }
        Some(points)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().expect("a decimal literal in a test")
    }

    #[test]
    fn a_sum_with_the_focus_crosses_a_limit_where_expected() {
        // value + 200 000 compared with 700 000 flips at value = 500 000.
        let x = Quantity::focus(d("0"), d("1000000"));
        let sum = x.add(&Quantity::exact(d("200000"))).expect("no overflow");
        let points = sum
            .crossings(&Quantity::exact(d("700000")))
            .expect("affine");
        assert_eq!(points, vec![d("500000")]);
    }

    #[test]
    fn a_monthly_value_times_48_crosses_where_expected() {
        let x = Quantity::focus(d("0"), d("100000"));
        let total = x.scale(d("48")).expect("no overflow");
        let points = total
            .crossings(&Quantity::exact(d("720000")))
            .expect("affine");
        assert_eq!(points, vec![d("15000")]);
    }

    #[test]
    fn a_range_gives_two_crossings() {
        let x = Quantity::focus(d("0"), d("10000000"));
        let limit = Quantity::interval(d("2268000"), d("2592000"));
        let mut points = x.crossings(&limit).expect("affine");
        points.sort();
        assert_eq!(points, vec![d("2268000"), d("2592000")]);
    }

    #[test]
    fn an_if_on_the_focus_loses_the_line() {
        let x = Quantity::focus(d("0"), d("10"));
        let y = Quantity::exact(d("3"));
        assert_eq!(x.hull(&y, true).dep, Dep::Lost);
        assert_eq!(x.hull(&y, true).crossings(&y), None);
    }
}
