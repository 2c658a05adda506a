//! The industry taxonomy: codes with Korean and English labels, the default
//! convergence (cross-industry) pairs of the program's policy, and code validation.
//! Codes outside the taxonomy are accepted as custom industries (real registers use
//! their own categories); they must still be well-formed.

use crate::error::ValidationError;

/// (code, Korean label, English label). The first block is the program's own focus
/// (the article names AI, robotics and fintech); the second holds the categories common
/// in startup registers such as Crunchbase, so imported data keeps readable labels.
pub const TAXONOMY: &[(&str, &str, &str)] = &[
    ("ai", "인공지능", "Artificial intelligence"),
    ("robotics", "로봇", "Robotics"),
    ("fintech", "핀테크", "Fintech"),
    ("mobility", "모빌리티", "Mobility"),
    ("bio-health", "바이오·헬스케어", "Bio & health"),
    ("climate-energy", "기후·에너지", "Climate & energy"),
    ("semiconductors", "반도체", "Semiconductors"),
    ("content", "콘텐츠", "Content"),
    ("commerce", "커머스", "Commerce"),
    ("smart-city", "스마트시티", "Smart city"),
    ("security", "보안", "Security"),
    ("edtech", "에듀테크", "Edtech"),
    ("proptech", "프롭테크", "Proptech"),
    ("foodtech", "푸드테크", "Foodtech"),
    ("manufacturing", "제조", "Manufacturing"),
    ("logistics", "물류", "Logistics"),
    ("finance", "금융", "Finance"),
    ("software", "소프트웨어", "Software"),
    ("hardware", "하드웨어", "Hardware"),
    ("biotech", "생명공학", "Biotech"),
    ("medical", "의료", "Medical"),
    ("health", "헬스", "Health"),
    ("cleantech", "클린테크", "Cleantech"),
    ("web", "웹", "Web"),
    ("mobile", "모바일", "Mobile"),
    ("enterprise", "기업용 솔루션", "Enterprise software"),
    ("advertising", "광고", "Advertising"),
    ("ecommerce", "전자상거래", "E-commerce"),
    ("games_video", "게임·영상", "Games & video"),
    ("analytics", "데이터 분석", "Analytics"),
    ("semiconductor", "반도체", "Semiconductor"),
    ("automotive", "자동차", "Automotive"),
    ("transportation", "운송", "Transportation"),
    ("education", "교육", "Education"),
    ("network_hosting", "네트워크·호스팅", "Network & hosting"),
    ("messaging", "메시징", "Messaging"),
    ("social", "소셜", "Social"),
    ("search", "검색", "Search"),
    ("travel", "여행", "Travel"),
    ("music", "음악", "Music"),
    ("news", "뉴스", "News"),
    ("photo_video", "사진·영상", "Photo & video"),
    ("public_relations", "홍보", "Public relations"),
    ("real_estate", "부동산", "Real estate"),
    ("nanotech", "나노기술", "Nanotech"),
    ("fashion", "패션", "Fashion"),
    ("consulting", "컨설팅", "Consulting"),
    ("design", "디자인", "Design"),
    ("government", "공공", "Government"),
    ("hospitality", "숙박·외식", "Hospitality"),
    ("legal", "법률", "Legal"),
    ("local", "로컬", "Local"),
    ("nonprofit", "비영리", "Nonprofit"),
    ("pets", "반려동물", "Pets"),
    ("sports", "스포츠", "Sports"),
    ("other", "기타", "Other"),
];

/// Industry pairs the program counts as convergence (cross-industry) by default; the
/// policy is data and can be replaced. Order inside a pair does not matter.
pub const DEFAULT_CONVERGENCE_PAIRS: &[(&str, &str)] = &[
    ("ai", "fintech"),
    ("ai", "finance"),
    ("ai", "bio-health"),
    ("ai", "mobility"),
    ("ai", "manufacturing"),
    ("ai", "commerce"),
    ("ai", "content"),
    ("robotics", "mobility"),
    ("robotics", "manufacturing"),
    ("robotics", "logistics"),
    ("robotics", "bio-health"),
    ("robotics", "ai"),
    ("fintech", "commerce"),
    ("fintech", "proptech"),
    ("fintech", "mobility"),
    ("semiconductors", "mobility"),
    ("semiconductors", "ai"),
    ("climate-energy", "mobility"),
    ("climate-energy", "manufacturing"),
    ("climate-energy", "smart-city"),
    ("security", "fintech"),
    ("bio-health", "foodtech"),
    ("content", "commerce"),
    ("edtech", "ai"),
];

/// Other ways registers and people write the taxonomy's codes (compared by [`key`], so
/// case, spaces and punctuation do not matter: `Bio/Health`, `bio & health` and
/// `bio-health` are one spelling).
const ALIASES: &[(&str, &str)] = &[
    ("바이오헬스", "bio-health"),
    ("바이오헬스케어", "bio-health"),
    ("바이오", "bio-health"),
    ("헬스케어", "bio-health"),
    ("healthcare", "bio-health"),
    ("biohealthcare", "bio-health"),
    ("기후에너지", "climate-energy"),
    ("에너지", "climate-energy"),
    ("기후테크", "climate-energy"),
    ("energy", "climate-energy"),
    ("climate", "climate-energy"),
    ("climatetech", "climate-energy"),
    ("energyclimate", "climate-energy"),
    ("로보틱스", "robotics"),
    ("robot", "robotics"),
    ("인공지능ai", "ai"),
    ("에이아이", "ai"),
    ("스마트모빌리티", "mobility"),
    ("smartmobility", "mobility"),
    ("시스템반도체", "semiconductors"),
    ("이커머스", "ecommerce"),
    ("블록체인핀테크", "fintech"),
];

/// A spelling reduced to what tells codes apart: lower-case letters and digits (Hangul
/// included), nothing else.
fn key(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Canonical industry code: a code, Korean or English label or common spelling of the
/// taxonomy (`바이오헬스`, `bio/health`, `Climate & energy`) is read as its code;
/// anything else is a custom code — lower case, spaces to `-`; letters, digits, `-`
/// and `_` only.
pub fn normalize(code: &str) -> Result<String, ValidationError> {
    let c: String = code
        .trim()
        .to_lowercase()
        .chars()
        .map(|c| if c.is_whitespace() { '-' } else { c })
        .collect();
    let k = key(code);
    let known = TAXONOMY
        .iter()
        .find(|(known, ko, en)| {
            *known == c || *ko == code.trim() || key(known) == k || key(ko) == k || key(en) == k
        })
        .map(|(known, _, _)| *known)
        .or_else(|| {
            ALIASES
                .iter()
                .find(|(alias, _)| key(alias) == k)
                .map(|(_, known)| *known)
        });
    if let Some(known) = known.filter(|_| !k.is_empty()) {
        return Ok(known.to_string());
    }
    if c.is_empty()
        || c.len() > 48
        || !c
            .chars()
            .all(|ch| ch.is_alphanumeric() || ch == '-' || ch == '_' || ch == '&')
    {
        return Err(ValidationError::new(format!(
            "'{}' is not an industry code: use letters, digits, '-' or '_' (e.g. ai, robotics, fintech, bio-health)",
            code.trim()
        )));
    }
    Ok(c)
}

/// (Korean, English) label of a code; custom codes are their own label.
pub fn labels(code: &str) -> (&str, &str) {
    TAXONOMY
        .iter()
        .find(|(k, _, _)| *k == code)
        .map(|(_, ko, en)| (*ko, *en))
        .unwrap_or((code, code))
}

/// Whether any pair drawn from `a` × `b` is one of `pairs` (in either order).
pub fn is_convergence<'a>(
    a: impl IntoIterator<Item = &'a str> + Clone,
    b: impl IntoIterator<Item = &'a str> + Clone,
    pairs: &[(String, String)],
) -> bool {
    a.into_iter().any(|x| {
        b.clone().into_iter().any(|y| {
            pairs
                .iter()
                .any(|(p, q)| (p == x && q == y) || (p == y && q == x))
        })
    })
}

pub fn default_convergence_pairs() -> Vec<(String, String)> {
    DEFAULT_CONVERGENCE_PAIRS
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_codes_and_labels_normalize() {
        assert_eq!(normalize("AI").unwrap(), "ai");
        assert_eq!(normalize("핀테크").unwrap(), "fintech");
        assert_eq!(normalize("Bio & health").unwrap(), "bio-health");
        assert_eq!(normalize("games_video").unwrap(), "games_video");
        assert_eq!(normalize("Quantum Computing").unwrap(), "quantum-computing");
        assert!(normalize("a/b").is_err());
        for (written, code) in [
            ("bio/health", "bio-health"),
            ("Bio/Health", "bio-health"),
            ("바이오헬스", "bio-health"),
            ("바이오·헬스케어", "bio-health"),
            ("climate/energy", "climate-energy"),
            ("기후·에너지", "climate-energy"),
            ("Smart City", "smart-city"),
            ("E-Commerce", "ecommerce"),
            ("로보틱스", "robotics"),
        ] {
            assert_eq!(normalize(written).unwrap(), code, "{written}");
        }
        assert!(normalize("").is_err());
    }

    #[test]
    fn convergence_is_symmetric() {
        let pairs = default_convergence_pairs();
        assert!(is_convergence(["fintech"], ["ai"], &pairs));
        assert!(is_convergence(["ai"], ["fintech", "web"], &pairs));
        assert!(!is_convergence(["ai"], ["ai"], &pairs));
        assert!(!is_convergence(Vec::<&str>::new(), ["ai"], &pairs));
    }
}
