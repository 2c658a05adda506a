//! The API's OpenAPI 3.1 document, generated from the handlers' annotations and the
//! types they answer with, and the interactive API page (Swagger UI, its files built
//! into the binary). Problem responses are declared once, as components under
//! `#/components/responses`: the common refusals every operation may answer (added to
//! each by [`Refusals`]), and the few one operation has (referenced by name in its
//! annotation, e.g. `(status = 429, response = LoginLocked)`).

use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};
use utoipa::{Modify, OpenApi, ToResponse};

use crate::api;
use crate::problem::Problem;

/// Declares problem+json responses: each a component named after its type, with its
/// description, whose body is a [`Problem`].
macro_rules! problem_responses {
    ($($(#[$doc:meta])* $name:ident = $description:literal;)*) => {$(
        $(#[$doc])*
        #[derive(ToResponse)]
        #[response(description = $description, content_type = "application/problem+json")]
        // only its description in the document is used; nothing is answered with it
        #[allow(dead_code)]
        pub struct $name(Problem);
    )*};
}

/// A file's bytes as a body: a binary string (not an array of numbers), so that a
/// generated client reads and sends it as a file.
pub struct FileBytes;

impl utoipa::PartialSchema for FileBytes {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Binary)))
            .into()
    }
}

impl utoipa::ToSchema for FileBytes {}

problem_responses! {
    BadInput = "Bad input (path, query or body)";
    Unauthenticated = "No session";
    NotAllowed = "Not allowed, or the CSRF token is missing";
    NotFound = "Not found (or not the caller's to see)";
    Refused = "Refused by the rules (a conflict with what is stored, a move not allowed now)";
    TooLarge = "The body is too large";
    InvalidFields = "Invalid fields, each under errors with its reason";
    Unavailable = "The service could not answer; try again";
    LoginFailed = "Wrong e-mail or password";
    LoginLocked = "Locked after repeated failures";
    ResetLinkInvalid = "The link is unknown, used or expired";
    Changed = "The record changed (or was deleted) after the version in If-Match was read; nothing was written";
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "innobridge API",
        description = "A city's open-innovation program: discovery, matching rounds, the pipeline of every match, outcomes and KPIs. Writes need the session cookie (POST /api/v1/session) and its CSRF token in X-CSRF-Token. Every refusal is application/problem+json with a stable `type`."
    ),
    paths(
        crate::api_kpi,
        crate::api_breakdowns,
        api::login,
        api::logout,
        api::request_reset,
        api::reset_password,
        api::me,
        api::search,
        api::matches,
        api::act_on_match,
        api::record_outcome,
        api::need,
        api::startup,
        api::put_startup,
        api::delete_startup,
        api::post_need,
        api::put_need,
        api::delete_need,
        api::enterprise,
        api::put_enterprise,
        api::export,
        api::outcomes,
        api::clusters,
        api::centers,
        api::events,
        api::need_recommendations,
        api::run_round,
        api::publish_round,
        crate::program_api::event,
        crate::program_api::save_event,
        crate::program_api::register,
        crate::program_api::availability,
        crate::program_api::requests,
        crate::program_api::request,
        crate::program_api::answer_request,
        crate::program_api::schedule,
        crate::program_api::agenda,
        crate::program_api::agenda_ics,
        crate::program_api::cluster,
        crate::program_api::applications,
        crate::program_api::apply,
        crate::program_api::decide,
        crate::program_api::record_outcome,
        crate::program_api::put_cluster,
        crate::program_api::put_center,
        crate::program_api::center,
        crate::calls_api::calls,
        crate::calls_api::call,
        crate::calls_api::put_call,
        crate::calls_api::applications,
        crate::calls_api::apply,
        crate::calls_api::withdraw,
        crate::calls_api::put_file,
        crate::calls_api::get_file,
        crate::calls_api::add_evaluator,
        crate::calls_api::conflict,
        crate::calls_api::assign,
        crate::calls_api::my_reviews,
        crate::calls_api::score,
        crate::calls_api::stage,
        crate::calls_api::standings,
        crate::calls_api::decide,
        crate::calls_api::inbox,
        crate::calls_api::read_inbox,
        crate::calls_api::propose,
        crate::calls_api::route,
        crate::calls_api::workbook,
        crate::calls_api::funnel,
    ),
    components(
        schemas(Problem),
        responses(LoginFailed, LoginLocked, ResetLinkInvalid, Changed),
    ),
    modifiers(&Security, &Refusals),
    tags(
        (name = "session", description = "Log in and out"),
        (name = "discovery", description = "Search startups and needs"),
        (name = "matches", description = "Proposals, their moves and outcomes"),
        (name = "needs", description = "Needs and their recommendations"),
        (name = "records", description = "Startups' profiles and enterprises' needs: read, save, delete"),
        (name = "rounds", description = "Matching rounds (program managers)"),
        (name = "kpi", description = "The program's KPIs"),
        (name = "program", description = "Clusters, overseas growth centers, events"),
        (name = "forum", description = "Events: registration, 1:1 meeting requests, the schedule, agendas"),
        (name = "calls", description = "Open calls: applications, files, evaluators, conflicts, blind reviews, rankings, decisions; the inbox"),
        (name = "centers", description = "Overseas growth centers: applications, admission, outcomes abroad"),
    )
)]
pub struct ApiDoc;

struct Security;

impl Modify for Security {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let c = doc.components.get_or_insert_with(Default::default);
        c.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(crate::caller::COOKIE))),
        );
        c.add_security_scheme(
            "csrf",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::new("X-CSRF-Token"))),
        );
    }
}

/// The refusals any operation may answer with, each a problem+json body: bad input in
/// the path, query or body (400), no session (401), not allowed or no CSRF token (403),
/// nothing there (404), refused by the rules (409), too large (413), invalid fields
/// (422), unavailable (503). Declared once as components and referenced from every
/// operation that does not describe the status itself.
struct Refusals;

impl Modify for Refusals {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::Ref;
        let refusals = [
            ("400", BadInput::response()),
            ("401", Unauthenticated::response()),
            ("403", NotAllowed::response()),
            ("404", NotFound::response()),
            ("409", Refused::response()),
            ("413", TooLarge::response()),
            ("422", InvalidFields::response()),
            ("503", Unavailable::response()),
        ];
        let components = doc.components.get_or_insert_with(Default::default);
        for (_, (name, response)) in &refusals {
            components
                .responses
                .insert((*name).to_string(), response.clone());
        }
        for item in doc.paths.paths.values_mut() {
            for op in [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ]
            .into_iter()
            .flatten()
            {
                for (code, (name, _)) in &refusals {
                    op.responses
                        .responses
                        .entry((*code).to_string())
                        .or_insert_with(|| Ref::from_response_name(*name).into());
                }
            }
        }
    }
}

/// The API page at `/api/docs`, and the document at `/api/v1/openapi.json`.
pub fn swagger_ui() -> utoipa_swagger_ui::SwaggerUi {
    utoipa_swagger_ui::SwaggerUi::new("/api/docs").url("/api/v1/openapi.json", ApiDoc::openapi())
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::*;

    /// Every schema in `v` (a document or a part of it), with where it is.
    fn schemas<'a>(v: &'a Value, at: String, out: &mut Vec<(String, &'a Value)>) {
        match v {
            Value::Object(map) => {
                if map.contains_key("type") || map.contains_key("$ref") || map.contains_key("oneOf")
                {
                    out.push((at.clone(), v));
                }
                for (k, child) in map {
                    schemas(child, format!("{at}/{k}"), out);
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    schemas(child, format!("{at}/{i}"), out);
                }
            }
            _ => {}
        }
    }

    /// A schema a generated client could only model as a map of anything.
    fn free_form(schema: &Value) -> bool {
        let is_object = match &schema["type"] {
            Value::String(t) => t == "object",
            Value::Array(ts) => ts.iter().any(|t| t == "object"),
            _ => false,
        };
        let typed_values = schema["additionalProperties"].is_object()
            && schema["additionalProperties"]
                .as_object()
                .is_some_and(|a| !a.is_empty());
        is_object && schema.get("properties").is_none() && !typed_values
            || schema["additionalProperties"] == Value::Bool(true)
    }

    #[test]
    fn a_map_of_anything_is_told_from_a_typed_object() {
        assert!(free_form(&serde_json::json!({"type": "object"})));
        assert!(free_form(&serde_json::json!({"type": ["object", "null"]})));
        assert!(free_form(
            &serde_json::json!({"type": "object", "additionalProperties": true})
        ));
        assert!(!free_form(
            &serde_json::json!({"type": "object", "properties": {"id": {"type": "string"}}})
        ));
        assert!(!free_form(
            &serde_json::json!({"type": "object", "additionalProperties": {"type": "number"}})
        ));
    }

    #[test]
    fn every_body_has_its_real_schema() {
        let doc = serde_json::to_value(ApiDoc::openapi()).unwrap();
        let mut found = Vec::new();
        schemas(&doc, String::new(), &mut found);
        let loose: Vec<&String> = found
            .iter()
            .filter(|(_, s)| free_form(s))
            .map(|(at, _)| at)
            .collect();
        assert!(loose.is_empty(), "free-form objects at {loose:#?}");
        // every reference names a schema the document has
        let components = doc["components"]["schemas"].as_object().unwrap();
        for (at, s) in &found {
            if let Some(r) = s["$ref"].as_str()
                && let Some(name) = r.strip_prefix("#/components/schemas/")
            {
                assert!(components.contains_key(name), "{at} refers to {r}");
            }
        }
        // every JSON request body and success answer says what it holds
        for (path, item) in doc["paths"].as_object().unwrap() {
            for (method, op) in item.as_object().unwrap() {
                let mut contents = vec![("request", &op["requestBody"]["content"])];
                for (status, answer) in op["responses"].as_object().unwrap() {
                    if status.starts_with('2') {
                        contents.push(("answer", &answer["content"]));
                    }
                }
                for (what, content) in contents {
                    let json = &content["application/json"];
                    if !json.is_null() {
                        assert!(
                            json["schema"].is_object(),
                            "{method} {path}: its {what} has no schema"
                        );
                    }
                }
            }
        }
        for name in [
            "StartupInput",
            "NeedInput",
            "EnterpriseInput",
            "OutcomeInput",
            "Policy",
        ] {
            assert!(components.contains_key(name), "{name} is a component");
        }
        eprintln!("{} component schemas", components.len());
    }
}
