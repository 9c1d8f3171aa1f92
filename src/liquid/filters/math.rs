//! Number filters, with Ruby's arithmetic: integers stay integers, and a result past 64
//! bits is an error rather than a wrong number.

use super::support::{arg, need, Call, Failure};
use crate::liquid::value::{self, leading_integer, to_number, to_s, Num};
use serde_json::Value;

/// An integer result as Liquid keeps it: Ruby would go on in a bignum past 64 bits, which
/// signpost does not have, so it stops there rather than give a wrong number.
fn whole(n: i128, name: &str) -> Result<i64, String> {
    i64::try_from(n).map_err(|_| beyond(name, &n.to_string()))
}

/// A float made an integer (`round`, `ceil`, `floor`, `to_integer`): only when it is one
/// signpost can hold, never clamped.
fn float_to_int(f: f64, name: &str) -> Result<i64, String> {
    value::whole_part(f).ok_or_else(|| {
        let shown = value::float_to_s(f);
        if f.is_finite() {
            beyond(name, &shown)
        } else {
            format!("`{name}`: {shown} is not an integer")
        }
    })
}

/// [`value::to_number_exact`], its error naming filter `name`.
fn exact(v: &Value, name: &str) -> Result<Num, String> {
    value::to_number_exact(v).map_err(|e| format!("`{name}`: {e}"))
}

fn beyond(name: &str, shown: &str) -> String {
    format!("`{name}`: the result {shown} is beyond the integers signpost computes with (-2^63 to 2^63-1)")
}

/// Ruby's arithmetic: integers stay integers (dividing rounds down), a float makes a float;
/// decimal inputs add up as decimals (`0.1 + 0.2` is `0.3`), as Liquid's BigDecimal does.
/// Integers are computed in 128 bits, where no sum, product or quotient of two 64-bit ones
/// overflows, and must come back into 64.
fn ruby_arithmetic(op: &str, a: Num, b: Num) -> Result<Num, String> {
    Ok(match (a, b) {
        (Num::Int(x), Num::Int(y)) => {
            let (x, y) = (i128::from(x), i128::from(y));
            Num::Int(whole(
                match op {
                    "plus" => x + y,
                    "minus" => x - y,
                    "times" => x * y,
                    _ if y == 0 => return Err("divided by 0".into()),
                    _ => {
                        let (q, r) = (x.div_euclid(y), x.rem_euclid(y));
                        // Euclid's remainder is never negative; Ruby's takes the divisor's
                        // sign, and its quotient rounds down.
                        let (q, r) = if y < 0 && r != 0 {
                            (q - 1, r + y)
                        } else {
                            (q, r)
                        };
                        if op == "modulo" {
                            r
                        } else {
                            q
                        }
                    }
                },
                op,
            )?)
        }
        _ => {
            let (x, y) = (a.as_f64(), b.as_f64());
            Num::Float(match op {
                "plus" => decimal(x + y),
                "minus" => decimal(x - y),
                "times" => decimal(x * y),
                "divided_by" | "modulo" if y == 0.0 => return Err("divided by 0".into()),
                "divided_by" => x / y,
                _ => decimal(x - y * (x / y).floor()),
            })
        }
    })
}

/// Rounds away binary noise (15 significant digits), standing in for BigDecimal.
fn decimal(f: f64) -> f64 {
    if f == 0.0 || !f.is_finite() {
        return f;
    }
    format!("{f:.14e}").parse().unwrap_or(f)
}

fn rounded(x: Num, digits: i64) -> Result<Value, String> {
    Ok(match x {
        Num::Int(i) if digits >= 0 => Value::from(i),
        // Past 10^19 every 64-bit integer rounds to 0.
        Num::Int(_) if digits < -19 => Value::from(0),
        Num::Int(i) => {
            // Half away from zero, in 128 bits: 10^19 and the rounded value fit there.
            let p = 10i128.pow(digits.unsigned_abs() as u32);
            let (i, half) = (i128::from(i), p / 2);
            let r = (i.abs() + half) / p * p;
            Value::from(whole(if i < 0 { -r } else { r }, "round")?)
        }
        // A float has under 17 significant digits: more digits keep it as it is, and
        // fewer than -308 leave nothing (Ruby's answers).
        Num::Float(f) if digits > 17 => Num::Float(f).to_value(),
        Num::Float(_) if digits < -308 => Value::from(0),
        Num::Float(f) => {
            let p = 10f64.powi(digits as i32);
            // Half away from zero on the decimal the author wrote, not its binary neighbour.
            let scaled: f64 = format!("{:.12}", f * p).parse().unwrap_or(f * p);
            let r = scaled.round() / p;
            if digits == 0 {
                Value::from(float_to_int(r, "round")?)
            } else {
                Num::Float(r).to_value()
            }
        }
    })
}

/// `plus`, `minus`, `times`, `divided_by`, `modulo`.
pub fn arithmetic(input: Value, call: &Call<'_>) -> Result<Value, Failure> {
    let Call { name, args, .. } = *call;
    need(args, 1, name)?;
    Ok(ruby_arithmetic(name, exact(&input, name)?, exact(&args[0], name)?)?.to_value())
}

/// `abs`.
pub fn abs(input: Value, call: &Call<'_>) -> Result<Value, Failure> {
    let Call { name, .. } = *call;
    Ok(match exact(&input, name)? {
        Num::Int(i) => Value::from(whole(i128::from(i).abs(), name)?),
        Num::Float(f) => Num::Float(f.abs()).to_value(),
    })
}

/// `round`.
pub fn round(input: Value, call: &Call<'_>) -> Result<Value, Failure> {
    let Call { name, args, .. } = *call;
    let digits = arg(args, 0).map_or(Num::Int(0), to_number);
    let n = match digits {
        Num::Int(i) => i,
        Num::Float(f) => float_to_int(f.trunc(), name)?,
    };
    Ok(rounded(exact(&input, name)?, n)?)
}

/// `ceil`.
pub fn ceil(input: Value, call: &Call<'_>) -> Result<Value, Failure> {
    let Call { name, .. } = *call;
    Ok(Value::from(float_to_int(
        exact(&input, name)?.as_f64().ceil(),
        name,
    )?))
}

/// `floor`.
pub fn floor(input: Value, call: &Call<'_>) -> Result<Value, Failure> {
    let Call { name, .. } = *call;
    Ok(Value::from(float_to_int(
        exact(&input, name)?.as_f64().floor(),
        name,
    )?))
}

/// `at_least`, `at_most`.
pub fn bound(input: Value, call: &Call<'_>) -> Result<Value, Failure> {
    let Call { name, args, .. } = *call;
    need(args, 1, name)?;
    let (x, bound) = (to_number(&input), to_number(&args[0]));
    let pick_bound = if name == "at_least" {
        bound.as_f64() > x.as_f64()
    } else {
        bound.as_f64() < x.as_f64()
    };
    Ok(if pick_bound { bound } else { x }.to_value())
}

/// `to_integer`.
pub fn to_integer(input: Value, call: &Call<'_>) -> Result<Value, Failure> {
    let Call { name, .. } = *call;
    Ok(match input {
        Value::Bool(true) => Value::from(1),
        Value::Bool(false) => Value::from(0),
        Value::Number(n) => Value::from(match n.as_i64() {
            Some(i) => i,
            None => float_to_int(n.as_f64().unwrap_or(0.0).trunc(), name)?,
        }),
        other => {
            let text = to_s(&other);
            Value::from(whole(leading_integer(&text), name)?)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ruby_numbers() {
        let i = |n| Num::Int(n);
        assert_eq!(ruby_arithmetic("divided_by", i(-7), i(2)).unwrap(), i(-4));
        assert_eq!(ruby_arithmetic("modulo", i(-7), i(2)).unwrap(), i(1));
        assert_eq!(
            ruby_arithmetic("plus", Num::Float(0.1), Num::Float(0.2)).unwrap(),
            Num::Float(0.3)
        );
        assert!(ruby_arithmetic("divided_by", i(1), i(0)).is_err());
        assert_eq!(rounded(Num::Float(2.5), 0), Ok(Value::from(3)));
        assert_eq!(
            rounded(Num::Float(4.5612), 2),
            Ok(Num::Float(4.56).to_value())
        );
    }
}
