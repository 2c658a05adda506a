//! Word lists for the demo program: invented company names, technologies and problems
//! per industry in Korean and English, Seoul districts, clusters and overseas centers.
//! Every company name is invented.

/// Industries of the generated startups with their weights (the article's AI, robotics
/// and fintech first, then what a city's register holds).
pub const INDUSTRIES: &[(&str, u32)] = &[
    ("ai", 18), ("robotics", 9), ("fintech", 10), ("mobility", 8), ("bio-health", 12),
    ("climate-energy", 8), ("semiconductors", 5), ("content", 8), ("commerce", 8),
    ("smart-city", 4), ("security", 4), ("edtech", 3), ("proptech", 2), ("foodtech", 3),
    ("logistics", 3),
];

/// (English, Korean) technology keywords per industry.
pub fn technologies(industry: &str) -> &'static [(&'static str, &'static str)] {
    match industry {
        "ai" => &[
            ("computer vision", "컴퓨터 비전"), ("large language model", "대규모 언어모델"),
            ("speech recognition", "음성인식"), ("recommendation system", "추천 시스템"),
            ("anomaly detection", "이상 탐지"), ("generative AI", "생성형 AI"), ("MLOps", "MLOps"),
            ("natural language processing", "자연어 처리"), ("edge AI", "엣지 AI"),
        ],
        "robotics" => &[
            ("autonomous mobile robot", "자율주행 로봇"), ("collaborative robot", "협동로봇"),
            ("robot arm", "로봇팔"), ("SLAM", "SLAM"), ("serving robot", "서빙 로봇"),
            ("gripper", "그리퍼"), ("exoskeleton", "웨어러블 로봇"), ("robot fleet management", "로봇 관제"),
        ],
        "fintech" => &[
            ("payments", "간편결제"), ("credit scoring", "신용평가"), ("robo-advisor", "로보어드바이저"),
            ("regtech", "레그테크"), ("open banking", "오픈뱅킹"), ("fraud detection", "이상거래 탐지"),
            ("blockchain", "블록체인"), ("insurtech", "인슈어테크"), ("digital identity", "디지털 신원인증"),
        ],
        "mobility" => &[
            ("autonomous driving", "자율주행"), ("LiDAR", "라이다"), ("EV charging", "전기차 충전"),
            ("fleet management", "차량 관제"), ("micromobility", "마이크로모빌리티"), ("V2X", "V2X 통신"),
            ("battery management system", "배터리 관리 시스템"), ("urban air mobility", "도심항공교통"),
        ],
        "bio-health" => &[
            ("digital therapeutics", "디지털 치료제"), ("medical imaging AI", "의료영상 AI"),
            ("wearable sensor", "웨어러블 센서"), ("telemedicine", "비대면 진료"),
            ("drug discovery", "신약 개발"), ("genomics", "유전체 분석"), ("diagnostic kit", "진단키트"),
            ("remote patient monitoring", "원격 환자 모니터링"),
        ],
        "climate-energy" => &[
            ("energy storage", "에너지 저장장치"), ("solar power", "태양광"), ("hydrogen fuel cell", "수소연료전지"),
            ("carbon accounting", "탄소 회계"), ("smart grid", "스마트그리드"), ("battery recycling", "배터리 재활용"),
            ("building energy management", "건물 에너지 관리"), ("carbon capture", "탄소 포집"),
        ],
        "semiconductors" => &[
            ("AI accelerator chip", "AI 반도체"), ("power semiconductor", "전력반도체"),
            ("chip design", "칩 설계"), ("wafer inspection", "웨이퍼 검사"), ("NPU", "NPU"),
            ("advanced packaging", "첨단 패키징"), ("RF chip", "RF 칩"),
        ],
        "content" => &[
            ("webtoon", "웹툰"), ("virtual human", "가상인간"), ("metaverse", "메타버스"),
            ("XR", "확장현실"), ("music streaming", "음악 스트리밍"), ("game engine", "게임 엔진"),
            ("short-form video", "숏폼 영상"), ("AI dubbing", "AI 더빙"),
        ],
        "commerce" => &[
            ("live commerce", "라이브커머스"), ("demand forecasting", "수요 예측"),
            ("cross-border e-commerce", "역직구"), ("personalized marketing", "개인화 마케팅"),
            ("unmanned store", "무인 매장"), ("price optimization", "가격 최적화"), ("CRM", "고객관리"),
        ],
        "smart-city" => &[
            ("digital twin", "디지털 트윈"), ("IoT sensor network", "IoT 센서망"),
            ("smart parking", "스마트 주차"), ("traffic signal optimization", "신호 최적화"),
            ("air quality monitoring", "대기질 모니터링"), ("smart lighting", "스마트 조명"),
        ],
        "security" => &[
            ("zero trust", "제로트러스트"), ("post-quantum cryptography", "양자내성암호"),
            ("security operations", "보안관제"), ("deepfake detection", "딥페이크 탐지"),
            ("biometric authentication", "생체인증"), ("OT security", "산업제어 보안"),
        ],
        "edtech" => &[
            ("adaptive learning", "적응형 학습"), ("AI tutor", "AI 튜터"), ("coding education", "코딩 교육"),
            ("learning analytics", "학습 분석"), ("language learning", "외국어 학습"),
        ],
        "proptech" => &[
            ("property valuation", "부동산 시세 산정"), ("smart building", "스마트 빌딩"),
            ("construction robotics", "건설 로봇"), ("BIM", "BIM"), ("space sharing", "공간 공유"),
        ],
        "foodtech" => &[
            ("alternative protein", "대체단백질"), ("smart farm", "스마트팜"), ("food waste upcycling", "푸드 업사이클링"),
            ("cooking robot", "조리 로봇"), ("cold chain", "콜드체인"),
        ],
        _ => &[
            ("route optimization", "경로 최적화"), ("warehouse automation", "물류센터 자동화"),
            ("last-mile delivery", "라스트마일 배송"), ("drone delivery", "드론 배송"),
            ("freight matching", "화물 매칭"), ("supply chain visibility", "공급망 가시성"),
        ],
    }
}

/// (Korean, English) problems an enterprise needs solved, per wanted industry; used for
/// need titles and startup descriptions.
pub fn problems(industry: &str) -> &'static [(&'static str, &'static str)] {
    match industry {
        "ai" => &[
            ("AI 기반 품질 검사 자동화", "AI-based automated quality inspection"),
            ("고객 상담 챗봇 고도화", "Customer-service chatbot upgrade"),
            ("사내 문서 검색용 생성형 AI", "Generative AI for internal document search"),
            ("수요 예측 모델 구축", "Demand forecasting model"),
            ("영상 기반 안전사고 감지", "Video-based safety incident detection"),
        ],
        "robotics" => &[
            ("물류센터 피킹 로봇 도입", "Picking robots for the distribution center"),
            ("매장 서빙·안내 로봇 실증", "Serving and guide robots in stores"),
            ("공장 협동로봇 공정 자동화", "Cobot automation of factory processes"),
            ("시설 순찰 로봇", "Facility patrol robots"),
        ],
        "fintech" => &[
            ("소상공인 대안 신용평가", "Alternative credit scoring for small merchants"),
            ("이상거래 탐지 고도화", "Better fraud detection"),
            ("해외 송금 간편화", "Simpler cross-border remittance"),
            ("디지털 자산 수탁 인프라", "Digital asset custody infrastructure"),
            ("보험 청구 자동화", "Automated insurance claims"),
        ],
        "mobility" => &[
            ("자율주행 셔틀 실증", "Autonomous shuttle pilot"),
            ("전기차 충전 인프라 운영 최적화", "Optimized EV charging operations"),
            ("차량 데이터 기반 신규 서비스", "New services from vehicle data"),
            ("라스트마일 모빌리티 연계", "Last-mile mobility integration"),
        ],
        "bio-health" => &[
            ("임직원 디지털 헬스케어", "Digital healthcare for employees"),
            ("의료영상 판독 보조", "Medical image reading assistance"),
            ("신약 후보물질 발굴 협력", "Drug candidate discovery partnership"),
            ("원격 환자 모니터링 서비스", "Remote patient monitoring service"),
        ],
        "climate-energy" => &[
            ("사업장 탄소배출 측정·감축", "Measuring and cutting site carbon emissions"),
            ("건물 에너지 효율화", "Building energy efficiency"),
            ("폐배터리 재활용 공정", "Used-battery recycling process"),
            ("재생에너지 전력거래", "Renewable power trading"),
        ],
        "semiconductors" => &[
            ("온디바이스 AI 칩 공동개발", "Joint development of on-device AI chips"),
            ("반도체 공정 불량 분석", "Semiconductor process defect analysis"),
            ("전력반도체 모듈 국산화", "Domestic power semiconductor modules"),
        ],
        "content" => &[
            ("IP 기반 웹툰·영상 제작", "Webtoon and video production from our IP"),
            ("가상인간 브랜드 마케팅", "Virtual-human brand marketing"),
            ("AI 더빙으로 해외 콘텐츠 유통", "Overseas content distribution with AI dubbing"),
        ],
        "commerce" => &[
            ("라이브커머스 판매 채널", "Live-commerce sales channel"),
            ("개인화 상품 추천", "Personalized product recommendation"),
            ("무인 매장 운영 솔루션", "Unmanned store operations"),
            ("재고·가격 최적화", "Inventory and price optimization"),
        ],
        "smart-city" => &[
            ("디지털 트윈 기반 시설 관리", "Digital-twin facility management"),
            ("스마트 주차 안내", "Smart parking guidance"),
            ("도시 대기질 실시간 측정", "Real-time urban air-quality sensing"),
        ],
        "security" => &[
            ("제로트러스트 보안 전환", "Zero-trust security transition"),
            ("딥페이크 금융사기 대응", "Countering deepfake financial fraud"),
            ("공장 OT 보안 진단", "Factory OT security assessment"),
        ],
        "edtech" => &[
            ("임직원 AI 역량 교육", "AI skills training for employees"),
            ("맞춤형 학습 콘텐츠", "Personalized learning content"),
        ],
        "proptech" => &[
            ("건설 현장 안전·공정 관리", "Construction site safety and progress"),
            ("스마트 빌딩 운영", "Smart building operations"),
        ],
        "foodtech" => &[
            ("대체단백질 신제품", "New alternative-protein products"),
            ("급식 조리 자동화", "Automated cooking for cafeterias"),
            ("스마트팜 원료 조달", "Smart-farm sourcing"),
        ],
        _ => &[
            ("물류 경로 최적화", "Delivery route optimization"),
            ("물류센터 자동화", "Warehouse automation"),
            ("공급망 가시성 확보", "Supply chain visibility"),
        ],
    }
}

/// Startup names: head + tail (+ suffix), e.g. 딥비전랩스 / DeepVision Labs.
pub const NAME_HEADS: &[(&str, &str)] = &[
    ("딥", "Deep"), ("뉴", "New"), ("스마트", "Smart"), ("블루", "Blue"), ("그린", "Green"),
    ("퀀텀", "Quantum"), ("메디", "Medi"), ("핀", "Fin"), ("로보", "Robo"), ("에코", "Eco"),
    ("하이퍼", "Hyper"), ("오픈", "Open"), ("브릿지", "Bridge"), ("모션", "Motion"), ("시냅스", "Synapse"),
    ("아이", "Eye"), ("웨이브", "Wave"), ("픽셀", "Pixel"), ("노바", "Nova"), ("코어", "Core"),
    ("비트", "Bit"), ("루나", "Luna"), ("솔라", "Solar"), ("큐브", "Cube"), ("알파", "Alpha"),
    ("제로", "Zero"), ("에어", "Air"), ("마인드", "Mind"), ("리프", "Leaf"), ("스텔라", "Stella"),
    ("오로라", "Aurora"), ("하늘", "Haneul"), ("누리", "Nuri"), ("온", "On"), ("다온", "Daon"),
    ("빛", "Bit"), ("새봄", "Saebom"), ("한결", "Hangyeol"), ("아라", "Ara"), ("라온", "Raon"),
];

pub const NAME_TAILS: &[(&str, &str)] = &[
    ("비전", "Vision"), ("로직", "Logic"), ("웍스", "Works"), ("브레인", "Brain"), ("링크", "Link"),
    ("메이트", "Mate"), ("플로우", "Flow"), ("노드", "Node"), ("매틱스", "Matics"), ("닥", "Doc"),
    ("봇", "Bot"), ("셀", "Cell"), ("그리드", "Grid"), ("팜", "Farm"), ("페이", "Pay"),
    ("칩", "Chip"), ("스케이프", "Scape"), ("랩", "Lab"), ("센스", "Sense"), ("씨드", "Seed"),
    ("엣지", "Edge"), ("트리", "Tree"), ("포트", "Port"), ("웨어", "Ware"), ("큐", "Q"),
    ("라인", "Line"), ("스퀘어", "Square"), ("텍", "Tech"), ("하이브", "Hive"), ("마켓", "Market"),
];

pub const NAME_SUFFIXES: &[(&str, &str)] = &[
    ("", ""), ("랩스", " Labs"), ("테크", " Technologies"), ("솔루션즈", " Solutions"), ("코리아", " Korea"),
    ("AI", " AI"), ("에너지", " Energy"), ("헬스", " Health"),
];

/// Enterprise names: head + sector, e.g. 한빛모터스 / Hanbit Motors.
pub const ENTERPRISE_HEADS: &[(&str, &str)] = &[
    ("한빛", "Hanbit"), ("대성", "Daesung"), ("미래", "Mirae"), ("세종", "Sejong"), ("한울", "Hanul"),
    ("동방", "Dongbang"), ("태평", "Taepyeong"), ("금강", "Geumgang"), ("서해", "Seohae"), ("백두", "Baekdu"),
    ("다온", "Daon"), ("새솔", "Saesol"), ("온누리", "Onnuri"), ("청운", "Cheongun"), ("가람", "Garam"),
    ("해오름", "Haeoreum"), ("아라", "Ara"), ("보람", "Boram"), ("한결", "Hangyeol"), ("은하", "Eunha"),
    ("장백", "Jangbaek"), ("우리누리", "Urinuri"),
];

/// (Korean, English, industry) sectors of enterprises.
pub const ENTERPRISE_SECTORS: &[(&str, &str, &str)] = &[
    ("모터스", "Motors", "mobility"), ("모빌리티", "Mobility", "mobility"), ("금융그룹", "Financial Group", "finance"),
    ("은행", "Bank", "finance"), ("카드", "Card", "finance"), ("증권", "Securities", "finance"),
    ("생명", "Life Insurance", "finance"), ("제약", "Pharmaceutical", "bio-health"), ("바이오", "Bio", "bio-health"),
    ("전자", "Electronics", "semiconductors"), ("반도체", "Semiconductor", "semiconductors"),
    ("건설", "E&C", "proptech"), ("유통", "Retail", "commerce"), ("리테일", "Retail Group", "commerce"),
    ("에너지", "Energy", "climate-energy"), ("화학", "Chemical", "climate-energy"), ("통신", "Telecom", "ai"),
    ("정보기술", "IT Services", "ai"), ("중공업", "Heavy Industries", "manufacturing"),
    ("정밀", "Precision", "manufacturing"), ("식품", "Foods", "foodtech"),
    ("엔터테인먼트", "Entertainment", "content"), ("미디어", "Media", "content"),
    ("로지스틱스", "Logistics", "logistics"), ("해운", "Shipping", "logistics"),
];

/// Seoul districts (Korean, English).
pub const DISTRICTS: &[(&str, &str)] = &[
    ("강남구", "Gangnam-gu"), ("서초구", "Seocho-gu"), ("영등포구", "Yeongdeungpo-gu"), ("마포구", "Mapo-gu"),
    ("성동구", "Seongdong-gu"), ("구로구", "Guro-gu"), ("금천구", "Geumcheon-gu"), ("동대문구", "Dongdaemun-gu"),
    ("송파구", "Songpa-gu"), ("강서구", "Gangseo-gu"), ("중구", "Jung-gu"), ("관악구", "Gwanak-gu"),
];

/// (code, Korean, English, location, theme industries) of the city's clusters.
pub const CLUSTERS: &[(&str, &str, &str, &str, &[&str])] = &[
    ("yangjae", "양재 AI·로봇 클러스터", "Yangjae AI & Robotics Cluster", "Seocho-gu, Yangjae", &["ai", "robotics"]),
    ("yeouido", "여의도 핀테크 클러스터", "Yeouido Fintech Cluster", "Yeongdeungpo-gu, Yeouido", &["fintech", "finance", "security"]),
    ("hongneung", "홍릉 바이오·의료 클러스터", "Hongneung Bio & Medical Cluster", "Dongdaemun-gu, Hongneung", &["bio-health"]),
    ("g-valley", "G밸리 스마트제조·반도체 클러스터", "G-Valley Smart Manufacturing Cluster", "Guro-gu & Geumcheon-gu", &["semiconductors", "manufacturing", "smart-city"]),
    ("sangam-dmc", "상암 DMC 콘텐츠 클러스터", "Sangam DMC Content Cluster", "Mapo-gu, Sangam", &["content", "commerce"]),
    ("magok", "마곡 R&D 클러스터", "Magok R&D Cluster", "Gangseo-gu, Magok", &["climate-energy", "mobility", "bio-health"]),
    ("seongsu", "성수 소셜벤처·커머스 클러스터", "Seongsu Social Venture & Commerce Cluster", "Seongdong-gu, Seongsu", &["commerce", "foodtech", "edtech", "proptech", "logistics"]),
];

/// (code, Korean, English, city, country, region, operator, capacity, opened) of the
/// overseas growth centers; `None` means planned, not open.
pub const CENTERS: &[(&str, &str, &str, &str, &str, &str, &str, i32, Option<&str>)] = &[
    ("hcmc", "서울스타트업허브 호치민", "Seoul Startup Hub Ho Chi Minh City", "Ho Chi Minh City", "VN", "Southeast Asia", "Seoul Business Agency", 30, Some("2019-06-17")),
    ("silicon-valley", "실리콘밸리 성장센터", "Silicon Valley Growth Center", "San Jose", "US", "North America", "Seoul Business Agency", 40, Some("2023-03-02")),
    ("new-york", "뉴욕 성장센터", "New York Growth Center", "New York", "US", "North America", "Seoul Business Agency", 25, Some("2024-05-13")),
    ("berlin", "베를린 성장센터", "Berlin Growth Center", "Berlin", "DE", "Europe", "Partner accelerator", 20, Some("2023-06-12")),
    ("paris", "파리 성장센터", "Paris Growth Center", "Paris", "FR", "Europe", "Partner accelerator", 20, Some("2023-09-04")),
    ("london", "런던 성장센터", "London Growth Center", "London", "GB", "Europe", "Partner accelerator", 20, Some("2024-02-19")),
    ("helsinki", "헬싱키 성장센터", "Helsinki Growth Center", "Helsinki", "FI", "Europe", "Partner accelerator", 15, Some("2024-04-08")),
    ("singapore", "싱가포르 성장센터", "Singapore Growth Center", "Singapore", "SG", "Southeast Asia", "Seoul Business Agency", 25, Some("2023-11-06")),
    ("jakarta", "자카르타 성장센터", "Jakarta Growth Center", "Jakarta", "ID", "Southeast Asia", "Partner accelerator", 20, Some("2024-03-11")),
    ("tokyo", "도쿄 성장센터", "Tokyo Growth Center", "Tokyo", "JP", "East Asia", "Seoul Business Agency", 25, Some("2023-10-16")),
    ("dubai", "두바이 성장센터", "Dubai Growth Center", "Dubai", "AE", "Middle East", "Partner accelerator", 15, Some("2024-09-23")),
    ("stockholm", "스톡홀름 성장센터", "Stockholm Growth Center", "Stockholm", "SE", "Europe", "Partner accelerator", 15, None),
];

pub const MARKETS: &[&str] = &["US", "VN", "SG", "JP", "DE", "FR", "GB", "ID", "AE", "FI"];
