//! The closed sets of the domain (stage, size class, collaboration type, ...): each
//! parses leniently ("Series A", "series_a") and refuses anything else naming the
//! allowed values.

use crate::error::ValidationError;

/// Folds a user's spelling to the canonical one: lower case, `_` and spaces to `-`.
pub fn fold(s: &str) -> String {
    s.trim()
        .to_lowercase()
        .chars()
        .map(|c| {
            if c == '_' || c.is_whitespace() {
                '-'
            } else {
                c
            }
        })
        .collect()
}

macro_rules! closed_set {
    ($(#[$meta:meta])* $name:ident, $what:literal { $($variant:ident = $code:literal, $ko:literal, $en:literal $(| $alias:literal)*;)+ }) => {
        $(#[$meta])*
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "kebab-case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The canonical code used in files, the API and the database.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }
            pub fn label_ko(self) -> &'static str {
                match self { $($name::$variant => $ko),+ }
            }
            pub fn label_en(self) -> &'static str {
                match self { $($name::$variant => $en),+ }
            }
            /// The allowed codes, for error messages.
            pub fn allowed() -> String {
                [$($code),+].join(", ")
            }
            pub fn parse(s: &str) -> Result<Self, ValidationError> {
                let f = fold(s);
                $(
                    if f == $code $(|| f == $alias)* { return Ok($name::$variant); }
                )+
                Err(ValidationError::new(format!(
                    "'{}' is not a {}; allowed: {}", s.trim(), $what, Self::allowed()
                )))
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = ValidationError;
            fn from_str(s: &str) -> Result<Self, Self::Err> { Self::parse(s) }
        }
    };
}

closed_set!(
    /// How far a startup has come.
    Stage, "stage" {
        PreSeed = "pre-seed", "프리시드", "Pre-seed" | "preseed";
        Seed = "seed", "시드", "Seed";
        SeriesA = "series-a", "시리즈 A", "Series A" | "a";
        SeriesB = "series-b", "시리즈 B", "Series B" | "b";
        SeriesCPlus = "series-c+", "시리즈 C 이상", "Series C+" | "series-c" | "series-c-plus" | "c+";
        Growth = "growth", "성장", "Growth" | "pre-ipo" | "ipo";
    }
);

closed_set!(
    /// An enterprise's size class.
    SizeClass, "size class" {
        Large = "large", "대기업", "Large enterprise" | "large-enterprise";
        MidSized = "mid-sized", "중견기업", "Mid-sized enterprise" | "midsized" | "mid";
        Sme = "sme", "중소기업", "SME" | "small";
    }
);

closed_set!(
    /// What an enterprise wants from a collaboration.
    CollaborationType, "collaboration type" {
        Poc = "poc", "기술검증(PoC)", "PoC" | "proof-of-concept";
        JointDevelopment = "joint-development", "공동개발", "Joint development";
        Licensing = "licensing", "기술이전·라이선스", "Licensing";
        Procurement = "procurement", "구매·납품", "Procurement";
        Investment = "investment", "투자", "Investment";
        OverseasExpansion = "overseas-expansion", "해외진출", "Overseas expansion" | "overseas";
    }
);

closed_set!(
    /// Who may read a need's details.
    Visibility, "visibility" {
        Public = "public", "공개", "Public";
        Confidential = "confidential", "비공개", "Confidential" | "private";
    }
);

closed_set!(
    /// A recorded result of working together; each maps to a pipeline stage.
    OutcomeKind, "outcome kind" {
        Meeting = "meeting", "미팅", "Meeting";
        Nda = "nda", "비밀유지계약(NDA)", "NDA";
        Poc = "poc", "기술검증(PoC)", "PoC";
        Cooperation = "cooperation", "기술협력", "Technical cooperation" | "technical-cooperation";
        Investment = "investment", "투자", "Investment";
        Acquisition = "acquisition", "인수", "Acquisition";
    }
);

closed_set!(
    /// The roles users can hold.
    Role, "role" {
        Admin = "admin", "프로그램 매니저", "Program manager" | "program-manager";
        EnterpriseMember = "enterprise-member", "기업 회원", "Enterprise member" | "enterprise";
        StartupMember = "startup-member", "스타트업 회원", "Startup member" | "startup";
        CenterManager = "center-manager", "해외거점 매니저", "Center manager" | "center";
        Evaluator = "evaluator", "심사위원", "Evaluator";
    }
);

closed_set!(
    /// How a match came about.
    MatchOrigin, "match origin" {
        Engine = "engine", "매칭 엔진", "Matching engine";
        Application = "application", "지원", "Application";
        Manual = "manual", "수동 연결", "Manual";
    }
);

closed_set!(
    /// The kinds of program events.
    EventKind, "event kind" {
        Forum = "forum", "오픈이노베이션 포럼", "Open-innovation forum";
        DemoDay = "demo-day", "데모데이", "Demo day" | "demoday";
        Meetup = "meetup", "밋업", "Meetup";
    }
);

closed_set!(
    /// Where a 1:1 meeting request at an event stands.
    RequestStatus, "meeting request status" {
        Requested = "requested", "요청됨", "Requested";
        Accepted = "accepted", "수락", "Accepted";
        Declined = "declined", "거절", "Declined";
        Withdrawn = "withdrawn", "철회", "Withdrawn";
    }
);

closed_set!(
    /// A participant's registration for an event.
    Registration, "registration status" {
        Registered = "registered", "등록", "Registered";
        Waitlisted = "waitlisted", "대기", "Waitlisted";
        Cancelled = "cancelled", "취소", "Cancelled";
    }
);

closed_set!(
    /// Where a startup's application to an overseas growth center stands.
    ApplicationStatus, "application status" {
        Applied = "applied", "지원", "Applied";
        Admitted = "admitted", "입주 승인", "Admitted";
        Declined = "declined", "불합격", "Declined";
        Withdrawn = "withdrawn", "철회", "Withdrawn";
    }
);

closed_set!(
    /// What a startup achieved abroad through a center.
    CenterOutcomeKind, "center outcome" {
        MarketEntry = "market-entry", "현지 진출", "Market entered";
        Partnership = "partnership", "현지 파트너십", "Local partnership";
        OverseasInvestment = "overseas-investment", "해외 투자 유치", "Overseas investment";
        LocalHires = "local-hires", "현지 채용", "Local hires";
        Sales = "sales", "현지 매출", "Sales";
    }
);

closed_set!(
    /// How a collaboration came about: an enterprise's open call (top-down), a startup's
    /// own proposal (bottom-up) or a call the program office runs for several
    /// enterprises (on-demand).
    Track, "track" {
        TopDown = "top-down", "기업 수요 공모", "Top-down (open call)" | "topdown";
        BottomUp = "bottom-up", "스타트업 제안", "Bottom-up (startup proposal)" | "bottomup";
        OnDemand = "on-demand", "수요 맞춤 공모", "On-demand (program call)" | "ondemand";
    }
);

closed_set!(
    /// Where an application to an open call stands.
    CallApplicationStatus, "application status" {
        Draft = "draft", "작성 중", "Draft";
        Submitted = "submitted", "제출", "Submitted";
        Withdrawn = "withdrawn", "철회", "Withdrawn";
        NotAdvanced = "not-advanced", "탈락", "Not advanced";
        Selected = "selected", "최종 선정", "Selected";
    }
);

closed_set!(
    /// How a startup entered the program.
    DiscoverySource, "source" {
        Application = "application", "직접 지원", "Application";
        Referral = "referral", "추천", "Referral";
        Import = "import", "데이터 가져오기", "Import";
        Scouting = "scouting", "발굴", "Scouting";
    }
);

closed_set!(
    /// Where a matching round stands.
    RoundStatus, "round status" {
        Draft = "draft", "준비", "Draft";
        Finished = "finished", "완료", "Finished";
        Published = "published", "공개", "Published";
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lenient_spellings_parse_to_one_code() {
        assert_eq!(Stage::parse("Series A").unwrap(), Stage::SeriesA);
        assert_eq!(Stage::parse("series_a").unwrap(), Stage::SeriesA);
        assert_eq!(Stage::parse(" PRE-SEED ").unwrap(), Stage::PreSeed);
        assert_eq!(SizeClass::parse("Mid-Sized").unwrap(), SizeClass::MidSized);
        assert_eq!(
            CollaborationType::parse("joint development").unwrap(),
            CollaborationType::JointDevelopment
        );
    }

    #[test]
    fn outside_the_set_is_refused_naming_the_allowed_values() {
        let e = Stage::parse("series-z").unwrap_err().0;
        assert!(e.contains("'series-z' is not a stage"), "{e}");
        assert!(
            e.contains("pre-seed, seed, series-a, series-b, series-c+, growth"),
            "{e}"
        );
        let e = SizeClass::parse("huge").unwrap_err().0;
        assert!(e.contains("large, mid-sized, sme"), "{e}");
        let e = CollaborationType::parse("merger").unwrap_err().0;
        assert!(e.contains("poc, joint-development, licensing"), "{e}");
        assert!(Visibility::parse("secret").is_err());
        assert!(OutcomeKind::parse("handshake").is_err());
    }

    #[test]
    fn codes_round_trip() {
        for s in Stage::ALL {
            assert_eq!(Stage::parse(s.as_str()).unwrap(), *s);
        }
        for s in OutcomeKind::ALL {
            assert_eq!(OutcomeKind::parse(s.as_str()).unwrap(), *s);
        }
        for s in Role::ALL {
            assert_eq!(Role::parse(s.as_str()).unwrap(), *s);
        }
    }
}
