//! The `innobridge` command line: thin wrappers that parse arguments, call the `app`
//! crate and print. Exit codes: 0 success, 2 usage or unusable input, 3 some rows
//! rejected, 1 any other failure (one line on stderr).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use app::export::{ExportKind, Format};
use app::{App, AppError, Sort};
use clap::{Parser, Subcommand, ValueEnum};
use domain::records::RecordKind;
use domain::{Currency, EventKind, Language, Role, Stage};
use indicatif::{ProgressBar, ProgressStyle};

// glibc's allocator serialised the web server's worker threads on its arena locks
// (malloc and mutex calls were the top of the directory page's profile under load)
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "innobridge",
    version,
    about = "Runs a city's open-innovation program: discover startups, match them with enterprises, follow outcomes to KPIs"
)]
struct Cli {
    /// Database: a file path or sqlite://PATH (postgres://... later). Without it,
    /// INNOBRIDGE_DATABASE_URL or the file INNOBRIDGE_DATABASE_URL_FILE names, else
    /// ./innobridge.db. A URL with a password is refused here: give it by environment
    /// or file.
    #[arg(long, global = true)]
    db: Option<String>,
    /// How log lines are written to standard error; which ones, RUST_LOG says (e.g.
    /// `info` for a line per request, `innobridge_app=debug`; `warn` when unset).
    #[arg(long, global = true, value_enum, env = "INNOBRIDGE_LOG_FORMAT", default_value_t = LogFormat::Text)]
    log_format: LogFormat,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum LogFormat {
    /// One human-readable line per event.
    Text,
    /// One JSON object per line, with the request's span (method, route, request id,
    /// status, latency).
    Json,
}

/// Whose optimal stable matching `stable` finds.
#[derive(Clone, Copy, ValueEnum)]
enum Optimal {
    /// Startups propose.
    Startups,
    /// Needs propose.
    Needs,
}

/// Who states a preference.
#[derive(Clone, Copy, ValueEnum)]
enum PreferSide {
    /// The startup ranks the need.
    Startup,
    /// The need's enterprise ranks the startup.
    Need,
}

/// A duplicate flag's state.
#[derive(Clone, Copy, ValueEnum)]
enum FlagStatus {
    Open,
    Dismissed,
    Merged,
}

impl FlagStatus {
    fn as_str(self) -> &'static str {
        match self {
            FlagStatus::Open => "open",
            FlagStatus::Dismissed => "dismissed",
            FlagStatus::Merged => "merged",
        }
    }
}

#[derive(Subcommand)]
enum Command {
    /// Fill a new database with a generated Seoul program, then serve the web app.
    Demo {
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: SocketAddr,
        #[arg(long, default_value_t = 2022)]
        seed: u64,
        /// Fill the database and exit.
        #[arg(long)]
        no_serve: bool,
    },
    /// Serve the web app and the API.
    Serve {
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: SocketAddr,
    },
    /// Import startups, enterprises, needs or outcomes from CSV or XLSX (upsert by id).
    Import {
        /// startups, enterprises, needs or outcomes
        kind: RecordKind,
        file: PathBuf,
        /// Write the rejected rows here (CSV; JSON when the name ends in .json).
        #[arg(long)]
        report: Option<PathBuf>,
    },
    /// Export a table to CSV or XLSX.
    Export {
        /// startups, enterprises, needs, outcomes, matches or kpi
        #[arg(value_parser = ExportKind::parse)]
        kind: ExportKind,
        /// csv or xlsx
        #[arg(long, default_value = "csv", value_parser = Format::parse)]
        format: Format,
        #[arg(long)]
        out: PathBuf,
    },
    /// The program's KPIs against their targets.
    Kpi {
        #[arg(long)]
        json: bool,
    },
    /// Place an event's accepted 1:1 meeting requests into slots and tables (keeping
    /// earlier places where they still hold).
    Schedule {
        /// The event's code, e.g. forum-2025
        #[arg(long)]
        event: String,
        #[arg(long)]
        json: bool,
    },
    /// Set a KPI's target (and when it is due, and its baseline).
    Target {
        /// A KPI key as `kpi --json` prints it, e.g. cooperation_cases
        key: String,
        /// The target value; omit to clear the target
        value: Option<f64>,
        #[arg(long)]
        by_year: Option<i32>,
        #[arg(long)]
        baseline: Option<f64>,
    },
    /// Full-text discovery over startups (or needs) in Korean and English.
    Search {
        query: String,
        #[arg(long)]
        json: bool,
        /// Search needs (open calls) instead of startups.
        #[arg(long)]
        needs: bool,
        #[arg(long, value_delimiter = ',')]
        industry: Vec<String>,
        #[arg(long, value_delimiter = ',')]
        technology: Vec<String>,
        #[arg(long, value_delimiter = ',')]
        stage: Vec<Stage>,
        #[arg(long, value_delimiter = ',')]
        cluster: Vec<String>,
        #[arg(long, value_delimiter = ',')]
        country: Vec<String>,
        #[arg(long, value_delimiter = ',')]
        source: Vec<String>,
        /// relevance, newest or funding
        #[arg(long, default_value = "relevance")]
        sort: Sort,
        #[arg(long, default_value_t = 1)]
        page: usize,
        #[arg(long, default_value_t = 20)]
        per_page: usize,
    },
    /// Type-ahead: names and technologies starting with PREFIX.
    Suggest {
        prefix: String,
        #[arg(long, default_value_t = 10)]
        limit: usize,
    },
    /// Rebuild the search index from the database.
    Reindex,
    /// Write a consistent copy of the database to FILE while it stays in use (SQLite:
    /// VACUUM INTO; PostgreSQL: pg_dump's custom format).
    Backup { file: PathBuf },
    /// Replace the database with the backup FILE (stop every server on it first).
    /// SQLite: the copy is checked, then swapped in whole; PostgreSQL: pg_restore
    /// --clean in one transaction. The search index is rebuilt on the next start.
    Restore {
        file: PathBuf,
        /// Needed when the database already holds a program.
        #[arg(long)]
        replace: bool,
    },
    /// Review likely duplicate startups and enterprises: list them (kind, a, b, status,
    /// reason), dismiss a pair, or merge one startup into another.
    Duplicates {
        #[command(subcommand)]
        action: Option<DuplicateAction>,
    },
    /// Solve a DIMACS min-cost-flow file with the solver the matching rounds use:
    /// `cost=<optimal cost>` on stdout, `parse_s=… solve_s=…` on stderr.
    Mcf { file: PathBuf },
    /// Solve a many-to-one stable-matching instance (JSON of gen_hr.py) by deferred
    /// acceptance: `startup,need` pairs as CSV on stdout, `solve_s=…` on stderr.
    Stable {
        file: PathBuf,
        /// Whose optimal stable matching.
        #[arg(long, value_enum, default_value_t = Optimal::Startups)]
        optimal: Optimal,
    },
    /// Set the KRW rate of a currency (KRW per one unit), used to total investments.
    /// It converts amounts dated from today (or `--from`) on; figures of earlier
    /// dates keep the rate they were reported with.
    Rate {
        /// An ISO 4217 code, e.g. USD
        currency: Currency,
        krw_per_unit: f64,
        /// The first day the rate applies to (YYYY-MM-DD); an earlier day reopens the
        /// figures reported since then.
        #[arg(long)]
        from: Option<chrono::NaiveDate>,
    },
    /// Run a matching round over open needs and eligible startups and store its
    /// proposals (replacing the round's unpublished ones).
    Match {
        #[arg(long)]
        round: String,
        /// Round policy (TOML; see docs/FORMATS.md). Default policy when omitted.
        #[arg(long)]
        policy: Option<PathBuf>,
        /// Compute and print, store nothing.
        #[arg(long)]
        dry_run: bool,
        #[arg(long)]
        json: bool,
        /// Also print each proposal (startup, need, score, reasons) as CSV.
        #[arg(long)]
        pairs: bool,
    },
    /// Recommendations as CSV: the best startups for each need (--needs), or the
    /// enterprises most worth introducing each startup to (--startups / --all).
    #[command(group(clap::ArgGroup::new("whom").required(true).args(["needs", "startups", "all"])))]
    Recommend {
        /// A file with one need id a line.
        #[arg(long)]
        needs: Option<PathBuf>,
        /// A file with one startup id a line.
        #[arg(long)]
        startups: Option<PathBuf>,
        /// Every startup.
        #[arg(long)]
        all: bool,
        #[arg(long, default_value_t = 10)]
        top: usize,
    },
    /// Measure the recommendations on the shared real data against baselines and print
    /// the metric table (no database needed).
    Eval {
        /// Folder holding sbir/ and crunchbase-2013/ in the import format.
        #[arg(long, default_value = "../shared/data")]
        data: PathBuf,
        /// Most SBIR needs to evaluate (in id order).
        #[arg(long, default_value_t = 2000)]
        sbir_cases: usize,
        /// The SBIR firms file (default DATA/sbir/startups.csv); the needs and their
        /// right answers are `validation-needs.csv` and `validation-truth.csv` beside it.
        #[arg(long)]
        sbir: Option<PathBuf>,
        /// The Crunchbase folder (default DATA/crunchbase-2013).
        #[arg(long)]
        crunchbase: Option<PathBuf>,
        /// Crunchbase: learn from links before this date, test on links from it on.
        #[arg(long, default_value = "2011-01-01")]
        split: chrono::NaiveDate,
        #[arg(long)]
        json: bool,
    },
    /// Create or update an event (forum, demo day, meetup) with its 1:1 meeting slots.
    Event {
        #[command(subcommand)]
        action: EventAction,
    },
    /// Manage accounts (the first program manager, and others).
    User {
        #[command(subcommand)]
        action: UserAction,
    },
    /// Publish a round: its proposals reach startups and enterprises and are never
    /// replaced by a re-run.
    Publish {
        #[arg(long)]
        round: String,
    },
    /// State a preference for stable rounds: a startup ranks a need, or a need's
    /// enterprise ranks a startup (rank 1 = first choice).
    Prefer {
        #[arg(value_enum)]
        side: PreferSide,
        startup: String,
        need: String,
        rank: u32,
    },
}

#[derive(Subcommand)]
enum EventAction {
    /// Create an event, or update the one with this code.
    Add {
        code: String,
        /// forum, demo-day or meetup
        #[arg(long, default_value = "forum")]
        kind: EventKind,
        #[arg(long)]
        title_ko: String,
        #[arg(long)]
        title_en: Option<String>,
        /// YYYY-MM-DD
        #[arg(long)]
        date: chrono::NaiveDate,
        /// When the first 1:1 slot starts, HH:MM:SS (local time)
        #[arg(long, default_value = "14:00:00")]
        starts_at: chrono::NaiveTime,
        #[arg(long, default_value_t = 20)]
        slot_minutes: i32,
        #[arg(long)]
        slots: i32,
        #[arg(long)]
        tables: i32,
        /// Registrations beyond it are waitlisted (0: no limit)
        #[arg(long, default_value_t = 0)]
        capacity: i32,
        #[arg(long)]
        venue: Option<String>,
        #[arg(long)]
        online_url: Option<String>,
    },
}

#[derive(Subcommand)]
enum DuplicateAction {
    /// List flags (default: open ones).
    List {
        /// Which flags (all of them with --all)
        #[arg(long, value_enum, default_value_t = FlagStatus::Open)]
        status: FlagStatus,
        #[arg(long)]
        all: bool,
        #[arg(long)]
        json: bool,
    },
    /// Mark two startups (or two enterprises) as not duplicates.
    Dismiss { a: String, b: String },
    /// Merge startup DROP into KEEP (KEEP takes DROP's matches, outcomes and missing fields).
    Merge { keep: String, drop: String },
}

#[derive(Subcommand)]
enum UserAction {
    /// Add a user. The password comes from INNOBRIDGE_PASSWORD or the first line of
    /// standard input (never from the command line), and is stored as an argon2id hash.
    Add {
        email: String,
        /// admin, enterprise-member, startup-member, center-manager or evaluator
        #[arg(long)]
        role: Role,
        #[arg(long)]
        name: Option<String>,
        /// The enterprise (external id) of an enterprise member.
        #[arg(long)]
        enterprise: Option<String>,
        /// The startup (external id) of a startup member.
        #[arg(long)]
        startup: Option<String>,
        /// The overseas center (code) of a center manager.
        #[arg(long)]
        center: Option<String>,
        /// ko or en
        #[arg(long, default_value = "ko")]
        language: Language,
    },
}

/// A failure with the exit code it maps to.
struct Failure(u8, String);

impl From<AppError> for Failure {
    fn from(e: AppError) -> Self {
        match e {
            AppError::Unusable(m)
            | AppError::Conflict(m)
            | AppError::Changed(m)
            | AppError::TooLarge(m) => Failure(2, m),
            AppError::NotFound(m) => Failure(2, m),
            AppError::Forbidden(m) => Failure(2, m),
            e @ (AppError::InvalidFields(_) | AppError::Login(_)) => Failure(2, e.to_string()),
            e => Failure(1, e.to_string()),
        }
    }
}

/// `mcf` needs no database: it is a solver check anyone can run on a file.
fn mcf(file: &std::path::Path) -> Result<u8, Failure> {
    let t = std::time::Instant::now();
    let bytes = std::fs::read(file).map_err(|e| Failure(2, format!("{}: {e}", file.display())))?;
    let net = matching::dimacs::parse(&bytes)
        .map_err(|e| Failure(2, format!("{}: {e}", file.display())))?;
    drop(bytes);
    let parse_s = t.elapsed().as_secs_f64();
    let t = std::time::Instant::now();
    let sol = net.solve().map_err(|e| Failure(1, e.to_string()))?;
    let solve_s = t.elapsed().as_secs_f64();
    println!("cost={}", sol.cost);
    eprintln!("parse_s={parse_s:.3} solve_s={solve_s:.3}");
    Ok(0)
}

/// `stable` needs no database either.
fn stable(file: &std::path::Path, optimal: Optimal) -> Result<u8, Failure> {
    let optimal = match optimal {
        Optimal::Startups => matching::stable::Optimal::Startups,
        Optimal::Needs => matching::stable::Optimal::Needs,
    };
    let bad = |m: String| Failure(2, format!("{}: {m}", file.display()));
    let text = std::fs::read(file).map_err(|e| bad(e.to_string()))?;
    let v: serde_json::Value = serde_json::from_slice(&text).map_err(|e| bad(e.to_string()))?;
    let (inst, s_names, n_names) = matching::stable::from_json(&v).map_err(bad)?;
    let t = std::time::Instant::now();
    let pairs = inst.solve(optimal);
    let solve_s = t.elapsed().as_secs_f64();
    let mut named: Vec<(&str, &str)> = pairs
        .iter()
        .map(|&(s, n)| (s_names[s as usize].as_str(), n_names[n as usize].as_str()))
        .collect();
    named.sort_unstable();
    let mut out = String::from("startup,need\n");
    for (s, n) in named {
        out.push_str(s);
        out.push(',');
        out.push_str(n);
        out.push('\n');
    }
    print!("{out}");
    eprintln!("solve_s={solve_s:.3}");
    Ok(0)
}

fn main() -> ExitCode {
    // A closed pipe (`innobridge search x | head`) ends the program quietly, as it does
    // for other command-line tools, instead of a panic on the next print.
    sigpipe::reset();
    let cli = Cli::parse();
    init_logs(cli.log_format);
    let rt = tokio::runtime::Runtime::new().expect("tokio runtime");
    match rt.block_on(run(cli)) {
        Ok(code) => ExitCode::from(code),
        Err(Failure(code, msg)) => {
            eprintln!("innobridge: {}", msg.lines().next().unwrap_or(&msg));
            ExitCode::from(code)
        }
    }
}

/// Log lines go to standard error, filtered by RUST_LOG (or, as before,
/// INNOBRIDGE_LOG), `warn` when neither is set.
fn init_logs(format: LogFormat) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env()
        .or_else(|_| EnvFilter::try_from_env("INNOBRIDGE_LOG"))
        .unwrap_or_else(|_| EnvFilter::new("warn"));
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Text => logs.init(),
        LogFormat::Json => logs.json().with_current_span(true).init(),
    }
}

async fn restore(db: &str, file: &std::path::Path, replace: bool) -> Result<u8, Failure> {
    if !replace {
        let current = App::open(db).await?;
        let held = current.counts().await?;
        current.close().await;
        if held.startups + held.enterprises + held.needs > 0 {
            return Err(Failure(
                2,
                format!(
                    "the database holds a program ({} startups); add --replace to overwrite it with the backup",
                    held.startups
                ),
            ));
        }
    }
    app::restore_database(db, file)
        .await
        .map_err(|e| Failure(1, e.to_string()))?;
    let app = App::open(db).await?;
    let c = app.counts().await?;
    println!(
        "restored {} from {}: {} startups, {} enterprises, {} needs, {} matches",
        app.location(),
        file.display(),
        c.startups,
        c.enterprises,
        c.needs,
        c.matches
    );
    Ok(0)
}

fn secret(name: &str) -> Result<Option<String>, Failure> {
    app::secrets::secret(name).map_err(|e| Failure(2, e))
}

/// `--db`, else the environment (or the file it names), else `./innobridge.db`.
fn database_url(arg: Option<&str>) -> Result<String, Failure> {
    match arg {
        Some(url) if app::secrets::has_password(url) => Err(Failure(
            2,
            "--db carries a password, which every user of this machine can read in the \
             process list: set INNOBRIDGE_DATABASE_URL or INNOBRIDGE_DATABASE_URL_FILE instead"
                .into(),
        )),
        Some(url) => Ok(url.to_string()),
        None => Ok(secret("INNOBRIDGE_DATABASE_URL")?.unwrap_or_else(|| "./innobridge.db".into())),
    }
}

/// The person running this command, as the audit log records them (`cli:$USER`).
fn operator() -> &'static app::Operator {
    static OPERATOR: std::sync::OnceLock<app::Operator> = std::sync::OnceLock::new();
    OPERATOR.get_or_init(app::Operator::from_environment)
}

async fn run(cli: Cli) -> Result<u8, Failure> {
    match &cli.command {
        Command::Mcf { file } => return mcf(file),
        Command::Eval {
            data,
            sbir_cases,
            sbir,
            crunchbase,
            split,
            json,
        } => {
            let sbir = sbir
                .clone()
                .unwrap_or_else(|| data.join("sbir/startups.csv"));
            let cb = crunchbase
                .clone()
                .unwrap_or_else(|| data.join("crunchbase-2013"));
            return eval(&sbir, &cb, *sbir_cases, *split, *json);
        }
        Command::Stable { file, optimal } => return stable(file, *optimal),
        _ => {}
    }
    let db = database_url(cli.db.as_deref())?;
    if let Command::Restore { file, replace } = &cli.command {
        return restore(&db, file, *replace).await;
    }
    let app = App::open(&db).await?;
    match cli.command {
        Command::Demo {
            addr,
            seed,
            no_serve,
        } => demo(app, addr, seed, no_serve).await,
        Command::Serve { addr } => serve(app, addr).await,
        Command::Import { kind, file, report } => import(&app, kind, &file, report).await,
        Command::Export { kind, format, out } => {
            let n = app.records().export(operator(), kind, format, &out).await?;
            println!("exported {n} rows to {}", out.display());
            Ok(0)
        }
        Command::Kpi { json } => kpi(&app, json).await,
        Command::Schedule { event, json } => schedule(&app, &event, json).await,
        Command::Search {
            query,
            json,
            needs,
            industry,
            technology,
            stage,
            cluster,
            country,
            source,
            sort,
            page,
            per_page,
        } => {
            let mut q = app::SearchQuery::page(page, per_page).map_err(|m| Failure(2, m))?;
            q.text = query;
            q.kind = if needs {
                app::DocKind::Need
            } else {
                app::DocKind::Startup
            };
            q.sort = sort;
            let stage: Vec<String> = stage.iter().map(|s| s.as_str().to_string()).collect();
            for (dim, values) in [
                ("industry", industry),
                ("technology", technology),
                ("stage", stage),
                ("cluster", cluster),
                ("country", country),
                ("source", source),
            ] {
                if !values.is_empty() {
                    q.filters.insert(dim.to_string(), values);
                }
            }
            // the operator at the command line reads everything
            q.include_confidential = true;
            q.facet_limit = 10;
            let r = app.discovery().search(&q)?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&r).expect("results serialize")
                );
                return Ok(0);
            }
            println!(
                "{} results{}",
                r.total,
                if r.matched_all_words {
                    ""
                } else {
                    " (matching any of the words)"
                }
            );
            if let Some(d) = &r.did_you_mean {
                println!("did you mean: {d}");
            }
            for h in &r.hits {
                println!("{:<24} {:<40} {:>7.2}", h.id, h.name, h.score);
                let plain = h
                    .snippet
                    .replace("<b>", "")
                    .replace("</b>", "")
                    .replace('\n', " ");
                println!(
                    "    {}",
                    plain
                        .replace("&lt;", "<")
                        .replace("&gt;", ">")
                        .replace("&#x27;", "'")
                        .replace("&quot;", "\"")
                        .replace("&amp;", "&")
                );
            }
            for (dim, values) in &r.facets {
                if !values.is_empty() {
                    let v: Vec<String> = values
                        .iter()
                        .map(|f| format!("{} ({})", f.value, f.count))
                        .collect();
                    println!("{dim}: {}", v.join(", "));
                }
            }
            Ok(0)
        }
        Command::Suggest { prefix, limit } => {
            // the operator reads everything, as `search` does
            for s in app.discovery().suggest(&prefix, limit, true) {
                println!("{}\t{}\t{}", s.text, s.kind, s.count);
            }
            Ok(0)
        }
        Command::Restore { .. } => unreachable!("restored before the database is opened"),
        Command::Backup { file } => {
            app.backup(&file, &db)
                .await
                .map_err(|e| Failure(1, e.to_string()))?;
            println!("backed up {} to {}", app.location(), file.display());
            Ok(0)
        }
        Command::Reindex => {
            let n = app.discovery().rebuild_search().await?;
            println!("search index rebuilt: {n} documents");
            Ok(0)
        }
        Command::Duplicates { action } => duplicates(&app, action).await,
        Command::Mcf { .. } | Command::Stable { .. } | Command::Eval { .. } => {
            unreachable!("answered before the database is opened")
        }
        Command::Target {
            key,
            value,
            by_year,
            baseline,
        } => {
            app.kpi()
                .set_target(operator(), &key, value, by_year, baseline)
                .await?;
            println!("target of {key} set");
            Ok(0)
        }
        Command::Rate {
            currency,
            krw_per_unit,
            from,
        } => {
            let code = currency.code();
            app.kpi()
                .set_rate(operator(), code, krw_per_unit, from)
                .await?;
            match from {
                Some(day) => println!("1 {code} = {krw_per_unit} KRW from {day}"),
                None => println!("1 {code} = {krw_per_unit} KRW"),
            }
            Ok(0)
        }
        Command::Match {
            round,
            policy,
            dry_run,
            json,
            pairs,
        } => run_round(&app, &round, policy.as_deref(), dry_run, json, pairs).await,
        Command::Recommend {
            needs,
            startups,
            all,
            top,
        } => recommend(&app, needs, startups, all, top).await,
        Command::Event {
            action:
                EventAction::Add {
                    code,
                    kind,
                    title_ko,
                    title_en,
                    date,
                    starts_at,
                    slot_minutes,
                    slots,
                    tables,
                    capacity,
                    venue,
                    online_url,
                },
        } => {
            let e = domain::Event {
                code: code.into(),
                kind,
                title_en: title_en.unwrap_or_else(|| title_ko.clone()),
                title_ko,
                date,
                venue,
                online_url,
                slots,
                tables,
                capacity,
                starts_at,
                slot_minutes,
            };
            app.forum().save(operator(), &e).await?;
            println!(
                "event {} saved: {} × {} tables on {}",
                e.code, e.slots, e.tables, e.date
            );
            Ok(0)
        }
        Command::User {
            action:
                UserAction::Add {
                    email,
                    role,
                    name,
                    enterprise,
                    startup,
                    center,
                    language,
                },
        } => {
            let password = match secret("INNOBRIDGE_PASSWORD")? {
                Some(p) => p,
                None => {
                    let mut line = String::new();
                    std::io::stdin()
                        .read_line(&mut line)
                        .map_err(|e| Failure(2, format!("reading the password: {e}")))?;
                    line.trim_end_matches(['\r', '\n']).to_string()
                }
            };
            let user = domain::User {
                display_name: name.unwrap_or_else(|| email.clone()),
                email,
                role,
                enterprise_id: enterprise.map(Into::into),
                startup_id: startup.map(Into::into),
                center_code: center.map(Into::into),
                language,
            };
            app.accounts()
                .add_user(operator(), &user, &password)
                .await?;
            println!("user {} added ({})", user.email, user.role.as_str());
            Ok(0)
        }
        Command::Publish { round } => {
            let n = app.rounds().publish(operator(), &round).await?;
            println!("round {round} published: {n} matches");
            Ok(0)
        }
        Command::Prefer {
            side,
            startup,
            need,
            rank,
        } => {
            let p = app::Preference {
                side: match side {
                    PreferSide::Startup => "startup",
                    PreferSide::Need => "need",
                }
                .to_string(),
                startup_id: startup.into(),
                need_id: need.into(),
                rank,
            };
            app.rounds().state_preference(operator(), &p).await?;
            println!("preference recorded");
            Ok(0)
        }
    }
}

/// Ids from a file: the first column of each line, blank lines, `#` comments and a
/// header (`id`, `need_id`, `startup_id`) skipped.
fn read_ids(path: &std::path::Path) -> Result<Vec<String>, Failure> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failure(2, format!("{}: {e}", path.display())))?;
    let ids: Vec<String> = text
        .lines()
        .map(|l| l.split(',').next().unwrap_or("").trim().trim_matches('"'))
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter(|l| !matches!(*l, "id" | "need_id" | "startup_id"))
        .map(String::from)
        .collect();
    if ids.is_empty() {
        return Err(Failure(2, format!("{}: no ids", path.display())));
    }
    Ok(ids)
}

async fn recommend(
    app: &App,
    needs: Option<PathBuf>,
    startups: Option<PathBuf>,
    all: bool,
    top: usize,
) -> Result<u8, Failure> {
    let (header, recs) = if let Some(f) = needs {
        let ids = read_ids(&f)?;
        (
            ["need_id", "rank", "startup_id", "score", "reasons"],
            app.recommendations()
                .for_needs(operator(), &ids, top)
                .await?,
        )
    } else {
        let ids = match startups {
            Some(f) => Some(read_ids(&f)?),
            None if all => None,
            None => return Err(Failure(2, "say --needs, --startups or --all".into())),
        };
        (
            ["startup_id", "rank", "enterprise_id", "score", "reasons"],
            app.recommendations()
                .for_startups(operator(), ids.as_deref(), top)
                .await?,
        )
    };
    let io = |e: csv::Error| Failure(1, e.to_string());
    let mut w = csv::Writer::from_writer(std::io::stdout().lock());
    w.write_record(header).map_err(io)?;
    for r in &recs {
        let reasons: Vec<&str> = r.reasons.iter().map(|x| x.en.as_str()).collect();
        w.write_record([
            r.for_id.as_str(),
            &r.rank.to_string(),
            &r.id,
            &format!("{:.4}", r.score),
            &reasons.join("; "),
        ])
        .map_err(io)?;
    }
    w.flush().map_err(|e| Failure(1, e.to_string()))?;
    Ok(0)
}

/// `eval` reads the shared files, not a database.
fn eval(
    sbir: &std::path::Path,
    cb: &std::path::Path,
    sbir_cases: usize,
    split: chrono::NaiveDate,
    json: bool,
) -> Result<u8, Failure> {
    let mut reports = Vec::new();
    if !sbir.exists() && !cb.exists() {
        return Err(Failure(
            2,
            format!(
                "neither {} nor {} exists; pass --data DIR (holding sbir/ and crunchbase-2013/)",
                sbir.display(),
                cb.display()
            ),
        ));
    }
    if sbir.exists() {
        let beside = |name: &str| sbir.with_file_name(name);
        let (needs, truth) = (
            beside("validation-needs.csv"),
            beside("validation-truth.csv"),
        );
        let files = eval::SbirFiles {
            firms: sbir,
            needs: &needs,
            truth: &truth,
        };
        reports.push(eval::eval_sbir(&files, sbir_cases)?);
        reports.push(eval::eval_sbir_korean_titles(&files)?);
    }
    if cb.exists() {
        reports.push(eval::eval_crunchbase(cb, split)?);
    }
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&reports).map_err(|e| Failure(1, e.to_string()))?
        );
    } else {
        print!("{}", eval::table(&reports));
    }
    Ok(0)
}

async fn run_round(
    app: &App,
    round: &str,
    policy: Option<&std::path::Path>,
    dry_run: bool,
    json: bool,
    pairs: bool,
) -> Result<u8, Failure> {
    let policy = match policy {
        Some(p) => app::rounds::read_policy(p)?,
        None => Default::default(),
    };
    let r = app
        .rounds()
        .run(operator(), round, &policy, dry_run)
        .await?;
    let s = &r.summary;
    if pairs {
        let mut w = csv::Writer::from_writer(std::io::stdout());
        w.write_record(["startup_id", "need_id", "score", "reasons"])
            .map_err(|e| Failure(1, e.to_string()))?;
        for m in &r.proposals {
            let reasons: Vec<&str> = m.reasons.iter().map(|x| x.en.as_str()).collect();
            w.write_record([
                m.startup_id.as_str(),
                m.need_id.as_str(),
                &format!("{:.3}", m.score),
                &reasons.join("; "),
            ])
            .map_err(|e| Failure(1, e.to_string()))?;
        }
        w.flush().map_err(|e| Failure(1, e.to_string()))?;
    }
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(s).map_err(|e| Failure(1, e.to_string()))?
        );
    } else if !pairs {
        println!(
            "round {}{}: {} pairs over {} open needs; {} of {} startups matched ({:.1}%, {} for the first time); {} convergence, {} cross-cluster; total fit {:.1}; {} stored, {} replaced; {:.2} s",
            s.round,
            if s.dry_run { " (dry run)" } else { "" },
            s.pairs,
            s.needs,
            s.startups_matched,
            s.startups_eligible,
            s.startups_matched_share * 100.0,
            s.startups_newly_matched,
            s.convergence_pairs,
            s.cross_cluster_pairs,
            s.total_fit,
            s.stored,
            s.replaced,
            s.seconds
        );
    }
    Ok(0)
}

async fn demo(app: App, addr: SocketAddr, seed: u64, no_serve: bool) -> Result<u8, Failure> {
    let spinner = ProgressBar::new_spinner();
    let s = demo::fill(&app, seed, &|step| spinner.set_message(step.to_string())).await?;
    spinner.finish_and_clear();
    let c = s.counts;
    if s.filled {
        println!(
            "innobridge demo (seed {seed}): {} startups, {} enterprises, {} needs, {} clusters, {} overseas centers, {} events, {} matches, {} outcomes in {:.1} s",
            c.startups,
            c.enterprises,
            c.needs,
            c.clusters,
            c.centers,
            c.events,
            c.matches,
            c.outcomes,
            s.seconds
        );
        println!("demo logins (shown once):");
        for l in &s.logins {
            println!("  {:<18} {:<32} {}", l.role.as_str(), l.email, l.password);
        }
    } else {
        println!(
            "innobridge demo: {} already holds a program ({} startups); left as it is (use a new --db to generate again)",
            app.location(),
            c.startups
        );
    }
    if no_serve {
        return Ok(0);
    }
    serve(app, addr).await
}

async fn serve(app: App, addr: SocketAddr) -> Result<u8, Failure> {
    // a mail server that is named but unusable is refused before serving
    let jobs = app::jobs::JobsConfig::from_env()?;
    web::serve(app, addr, jobs, |bound| {
        println!("innobridge: serving at http://{bound}/")
    })
    .await
    .map_err(|e| Failure(1, format!("cannot serve on {addr}: {e}")))?;
    Ok(0)
}

async fn import(
    app: &App,
    kind: RecordKind,
    file: &std::path::Path,
    report: Option<PathBuf>,
) -> Result<u8, Failure> {
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} rows ({eta})")
            .expect("valid template")
            .progress_chars("=> "),
    );
    bar.set_message(format!("importing {}", kind.as_str()));
    let r = app
        .records()
        .import_file(operator(), kind, file, &|done, total| {
            bar.set_length(total);
            bar.set_position(done);
        })
        .await?;
    bar.finish_and_clear();
    let rejected = r.rejected_rows();
    println!(
        "imported {} from {}: {} rows, {} accepted ({} new, {} updated), {} rejected in {:.2} s",
        kind.as_str(),
        file.display(),
        r.rows,
        r.accepted,
        r.inserted,
        r.updated,
        rejected,
        r.seconds
    );
    if !r.unknown_columns.is_empty() {
        eprintln!(
            "ignored unknown column(s): {}",
            r.unknown_columns.join(", ")
        );
    }
    for p in r.rejected.iter().take(20) {
        eprintln!("row {}: {}: {}", p.row, p.column, p.reason);
    }
    for p in r.notices.iter().take(20) {
        eprintln!("note: row {}: {}: {}", p.row, p.column, p.reason);
    }
    if r.rejected.len() > 20 {
        eprintln!(
            "... and {} more problems{}",
            r.rejected.len() - 20,
            if report.is_some() {
                " (see the report)"
            } else {
                " (use --report FILE)"
            }
        );
    }
    if let Some(path) = report {
        r.write(&path)?;
    }
    Ok(if rejected > 0 { 3 } else { 0 })
}

async fn duplicates(app: &App, action: Option<DuplicateAction>) -> Result<u8, Failure> {
    match action.unwrap_or(DuplicateAction::List {
        status: FlagStatus::Open,
        all: false,
        json: false,
    }) {
        DuplicateAction::List { status, all, json } => {
            let flags = app
                .records()
                .duplicates(operator(), (!all).then_some(status.as_str()))
                .await?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&flags).expect("flags serialize")
                );
            } else {
                for f in &flags {
                    println!(
                        "{}\t{}\t{}\t{}\t{}",
                        f.kind, f.startup_a, f.startup_b, f.status, f.reason
                    );
                }
                eprintln!("{} flag(s)", flags.len());
            }
            Ok(0)
        }
        DuplicateAction::Dismiss { a, b } => {
            app.records().dismiss_duplicate(operator(), &a, &b).await?;
            println!("{a} and {b} are not duplicates");
            Ok(0)
        }
        DuplicateAction::Merge { keep, drop } => {
            app.records()
                .merge_startups(operator(), &keep, &drop)
                .await?;
            println!("merged {drop} into {keep}");
            Ok(0)
        }
    }
}

async fn schedule(app: &App, event: &str, json: bool) -> Result<u8, Failure> {
    let started = std::time::Instant::now();
    let s = app
        .forum()
        .schedule(operator(), &domain::EventCode::from(event))
        .await?;
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&s).expect("stats serialize")
        );
    } else {
        println!(
            "{event}: placed {} of {} accepted requests (no schedule can place more than {}); \
             {} moved from the previous schedule; {} double-booked; {:.0} ms",
            s.placed,
            s.requested,
            s.upper_bound,
            s.moved,
            s.double_booked,
            started.elapsed().as_secs_f64() * 1000.0
        );
    }
    Ok(0)
}

async fn kpi(app: &App, json: bool) -> Result<u8, Failure> {
    let k = app.kpi().figures().await?;
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&k).expect("kpis serialize")
        );
        return Ok(0);
    }
    let keys = domain::kpi::HEADLINE_KEYS;
    println!(
        "{:<28} {:>18} {:>14} {:>14}",
        "KPI", "value", "target", "baseline"
    );
    for key in keys {
        let d = k.target_details.iter().find(|t| t.key == key);
        let fmt = |v: f64| {
            if key == "startups_matched_share" {
                format!("{:.1}%", v * 100.0)
            } else {
                format!("{v:.0}")
            }
        };
        println!(
            "{:<28} {:>18} {:>14} {:>14}",
            key,
            fmt(k.value(key).unwrap_or(0.0)),
            d.and_then(|d| d.target)
                .map(fmt)
                .unwrap_or_else(|| "-".into()),
            d.and_then(|d| d.baseline)
                .map(fmt)
                .unwrap_or_else(|| "-".into())
        );
    }
    if !k.unconverted_currencies.is_empty() {
        eprintln!(
            "note: no KRW rate for {}; those amounts are left out of investment_krw",
            k.unconverted_currencies.join(", ")
        );
    }
    if !k.exceeded.is_empty() {
        eprintln!(
            "note: {} passed the largest number a figure holds and show less than their sum; check the amounts",
            k.exceeded.join(", ")
        );
    }
    Ok(0)
}
