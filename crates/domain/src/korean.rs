//! Korean particles chosen by the sound a word ends in: 은/는, 이/가, 을/를, 과/와
//! follow a final consonant (batchim) or a vowel, and (으)로 treats a final ㄹ as a
//! vowel. A word that does not end in a Hangul syllable keeps the written-out
//! alternative ("이(가)"), which is how Korean writing handles foreign words.

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

/// The final consonant index (1–27) of a Hangul syllable, 0 when it ends in a vowel;
/// `None` for anything that is not a Hangul syllable.
fn final_consonant(c: char) -> Option<u32> {
    let code = u32::from(c);
    (0xAC00..=0xD7A3)
        .contains(&code)
        .then(|| (code - 0xAC00) % 28)
}

/// `word` followed by the particle that fits its last sound.
pub fn with_particle(word: &str, particle: Particle) -> String {
    const RIEUL: u32 = 8;
    let (after_consonant, after_vowel) = particle.forms();
    let last = word.trim_end().chars().next_back();
    let form = match last.and_then(final_consonant) {
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
        assert_eq!(with_particle("Acme", Particle::Subject), "Acme이(가)");
        assert_eq!(with_particle("Acme", Particle::Toward), "Acme(으)로");
    }
}
