//! Korean particles chosen by the sound a word ends in: 은/는, 이/가, 을/를, 과/와
//! follow a final consonant (batchim) or a vowel, and (으)로 treats a final ㄹ as a
//! vowel. A word ending in Latin letters or digits is read as Korean readers say it:
//! a short all-capital acronym letter by letter ("AI를", "IoT를" → 티, "CRM을" → 엠), a
//! longer one or a word by its last sound ("SLAM을", "MLOps를", "robot을", "sensor를"),
//! a digit by its Korean name ("5G를", "B2B를", "Web3를"). Anything else keeps the
//! written-out alternative ("이(가)").

/// A particle pair: the form after a final consonant, the form after a vowel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Particle {
    /// 은/는
    Topic,
    /// 이/가
    Subject,
    /// 을/를
    Object,
    /// 과/와
    And,
    /// 으로/로
    Toward,
}

impl Particle {
    fn forms(self) -> (&'static str, &'static str) {
        match self {
            Particle::Topic => ("은", "는"),
            Particle::Subject => ("이", "가"),
            Particle::Object => ("을", "를"),
            Particle::And => ("과", "와"),
            Particle::Toward => ("으로", "로"),
        }
    }
}

/// Whether `c` is a Hangul syllable (가–힣).
pub fn is_hangul(c: char) -> bool {
    ('\u{AC00}'..='\u{D7A3}').contains(&c)
}

/// Whether `text` holds Hangul: how a text in Korean is told from one in English.
pub fn has_hangul(text: &str) -> bool {
    text.chars().any(is_hangul)
}

/// The final consonant index (1–27) of a Hangul syllable, 0 when it ends in a vowel;
/// `None` for anything that is not a Hangul syllable.
fn final_consonant(c: char) -> Option<u32> {
    is_hangul(c).then(|| (u32::from(c) - 0xAC00) % 28)
}

/// The final consonant a word in Latin letters or digits ends in as Korean readers
/// say it: 0 for a vowel, [`RIEUL`] for ㄹ, another index for other consonants;
/// `None` when the word does not end in a letter or digit.
fn spoken_final(word: &str) -> Option<u32> {
    const CONSONANT: u32 = 1;
    let tail: String = word
        .chars()
        .rev()
        .take_while(char::is_ascii_alphanumeric)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let last = tail.chars().next_back()?;
    if let Some(d) = last.to_digit(10) {
        // 영 일 이 삼 사 오 육 칠 팔 구
        return Some(match d {
            0 | 3 | 6 => CONSONANT,
            1 | 7 | 8 => RIEUL,
            _ => 0,
        });
    }
    // the run of letters at the end: "B2B" ends in the acronym "B"
    let letters: String = tail
        .chars()
        .rev()
        .take_while(char::is_ascii_alphabetic)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let spelled = letters.len() <= 3 && last.is_ascii_uppercase()
        || !letters.chars().any(|c| "aeiouAEIOU".contains(c));
    if spelled {
        // 엘, 엠, 엔, 알 end in consonants; every other letter's name in a vowel
        return Some(match last.to_ascii_uppercase() {
            'L' | 'R' => RIEUL,
            'M' | 'N' => CONSONANT,
            _ => 0,
        });
    }
    let lower: Vec<char> = letters.to_ascii_lowercase().chars().collect();
    let vowel = |i: usize| {
        lower
            .len()
            .checked_sub(i)
            .and_then(|at| lower.get(at))
            .is_some_and(|c| "aeiou".contains(*c))
    };
    Some(match lower[lower.len() - 1] {
        'l' => RIEUL,
        'm' | 'n' => CONSONANT,
        'g' if lower.ends_with(&['n', 'g']) => CONSONANT,
        // a stop after one short vowel closes the syllable (로봇, 웹, 로직); after a
        // consonant or a long vowel it takes 으 (매니지먼트, 부트)
        'k' | 'p' | 't' | 'b' | 'c' if vowel(2) && !vowel(3) => CONSONANT,
        _ => 0,
    })
}

const RIEUL: u32 = 8;

/// `word` followed by the particle that fits its last sound.
pub fn with_particle(word: &str, particle: Particle) -> String {
    let (after_consonant, after_vowel) = particle.forms();
    let trimmed = word.trim_end();
    let last = trimmed.chars().next_back();
    let sound = match last {
        Some(c) if c.is_ascii_alphanumeric() => spoken_final(trimmed),
        Some(c) => final_consonant(c),
        None => None,
    };
    let form = match sound {
        Some(0) => after_vowel.to_string(),
        Some(RIEUL) if particle == Particle::Toward => after_vowel.to_string(),
        Some(_) => after_consonant.to_string(),
        None => match particle {
            Particle::Toward => "(으)로".to_string(),
            _ => format!("{after_consonant}({after_vowel})"),
        },
    };
    format!("{}{form}", word.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn particles_follow_the_last_sound() {
        let object_of = |w: &str| with_particle(w, Particle::Object);
        assert_eq!(
            with_particle("한빛모빌리티", Particle::Topic),
            "한빛모빌리티는"
        );
        assert_eq!(with_particle("로봇 관제", Particle::Object), "로봇 관제를");
        assert_eq!(
            with_particle("서울산업진흥원", Particle::Subject),
            "서울산업진흥원이"
        );
        assert_eq!(with_particle("바이오헬스", Particle::And), "바이오헬스와");
        assert_eq!(with_particle("핀테크", Particle::And), "핀테크와");
        assert_eq!(
            with_particle("인공지능 산업", Particle::And),
            "인공지능 산업과"
        );
        assert_eq!(with_particle("서울", Particle::Toward), "서울로");
        assert_eq!(with_particle("부산항", Particle::Toward), "부산항으로");
        assert_eq!(with_particle("Acme", Particle::Subject), "Acme가");
        assert_eq!(object_of("(주)"), "(주)을(를)");
        assert_eq!(
            with_particle("스타트업·", Particle::Subject),
            "스타트업·이(가)"
        );
    }

    #[test]
    fn latin_words_and_digits_take_the_particle_of_their_spoken_sound() {
        let object = |w: &str| with_particle(w, Particle::Object);
        assert_eq!(object("생성형 AI"), "생성형 AI를");
        assert_eq!(object("MLOps"), "MLOps를");
        assert_eq!(object("SLAM"), "SLAM을");
        assert_eq!(object("CRM"), "CRM을");
        assert_eq!(object("IoT"), "IoT를");
        assert_eq!(object("robot"), "robot을");
        assert_eq!(object("sensor"), "sensor를");
        assert_eq!(object("5G"), "5G를");
        assert_eq!(object("B2B"), "B2B를");
        assert_eq!(object("Web3"), "Web3을");
        assert_eq!(
            object("AI 더빙, short-form video"),
            "AI 더빙, short-form video를"
        );
        assert_eq!(with_particle("하늘센스AI", Particle::Topic), "하늘센스AI는");
        assert_eq!(
            with_particle("robot fleet management", Particle::Object),
            "robot fleet management를"
        );
        assert_eq!(with_particle("HTML", Particle::Toward), "HTML로");
        assert_eq!(with_particle("Seoul", Particle::Toward), "Seoul로");
        assert_eq!(with_particle("Berlin", Particle::Toward), "Berlin으로");
    }
}
