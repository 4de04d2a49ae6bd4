//! The one rounding rule for scores, wherever they are shown or written: half away from
//! zero on the decimal value (2.05 shows as 2.1 everywhere), one decimal on screen, two in
//! JSON, so no float noise like `2.5900000000000003` reaches a file or a script.

use serde::Serializer;

/// `score` rounded half away from zero to `places` decimals. The nudge by a few ulps makes
/// a value such as 2.05 (stored as 2.04999…) round the way it reads.
pub fn rounded(score: f64, places: i32) -> f64 {
    let scale = 10f64.powi(places);
    let nudged = score * scale * (1.0 + 4.0 * f64::EPSILON);
    nudged.round() / scale
}

/// A score as shown: "3" for whole numbers, "2.6" otherwise.
pub fn shown(score: f64) -> String {
    let r = rounded(score, 1);
    if (r - r.round()).abs() < 1e-9 {
        format!("{}", r.round() as i64)
    } else {
        format!("{r:.1}")
    }
}

/// A score with exactly one decimal, for aligned columns: "3.0", "2.6".
pub fn shown_fixed(score: f64) -> String {
    format!("{:.1}", rounded(score, 1))
}

/// Serialises a score rounded to two decimals.
pub fn two_places<S: Serializer>(score: &f64, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_f64(rounded(*score, 2))
}

/// Serialises an optional score rounded to two decimals.
pub fn two_places_opt<S: Serializer>(score: &Option<f64>, serializer: S) -> Result<S::Ok, S::Error> {
    match score {
        Some(s) => serializer.serialize_some(&rounded(*s, 2)),
        None => serializer.serialize_none(),
    }
}

/// Serialises a list of scores, each rounded to two decimals.
pub fn two_places_all<S: Serializer>(scores: &[f64], serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_seq(scores.iter().map(|s| rounded(*s, 2)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn halves_round_away_from_zero_as_they_read() {
        assert_eq!(shown(2.05), "2.1");
        assert_eq!(shown(2.049), "2");
        assert_eq!(shown(2.0), "2");
        assert_eq!(shown(2.25), "2.3");
        assert_eq!(shown(3.96), "4");
        assert_eq!(shown_fixed(2.0), "2.0");
        assert_eq!(rounded(2.590_000_000_000_000_3, 2), 2.59);
    }

    #[test]
    fn json_numbers_carry_no_float_noise() {
        #[derive(serde::Serialize)]
        struct S {
            #[serde(serialize_with = "two_places")]
            a: f64,
            #[serde(serialize_with = "two_places_opt")]
            b: Option<f64>,
            #[serde(serialize_with = "two_places_all")]
            c: Vec<f64>,
        }
        let s = S {
            a: 0.1 + 2.49,
            b: Some(1.0 / 3.0),
            c: vec![2.5900000000000003, 4.0],
        };
        assert_eq!(
            serde_json::to_string(&s).unwrap(),
            r#"{"a":2.59,"b":0.33,"c":[2.59,4.0]}"#
        );
    }
}
