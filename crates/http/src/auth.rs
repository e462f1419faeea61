//! JWT bearer authentication: keys by `kid` for rotation, claims, the revocation list,
//! and the `Caller` extractor that handlers use to require a role.

use std::collections::HashMap;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use samverkan_domain::{Role, ScbCode};
use serde::{Deserialize, Serialize};

use samverkan_persistence::tokens::TokenStatus;

use crate::AppState;
use crate::error::ApiError;

/// How far in the future a token's `iat` may lie (clock skew between the issuing machine
/// and the server), in seconds; beyond it the token is refused.
pub const IAT_LEEWAY_SECS: i64 = 60;

/// Shortest HS256 secret accepted (bytes).
pub const MIN_SECRET_LEN: usize = 32;
const ISSUER: &str = "samverkan";

/// The claims of a samverkan token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// Who the token was issued to (a person or a system).
    pub sub: String,
    pub role: Role,
    /// SCB code the token is bound to; required for `municipality`, absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub municipality: Option<String>,
    pub iat: i64,
    pub exp: i64,
    /// Not valid before (optional); honoured without leeway.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<i64>,
    /// Unique token id; revoke it with `samverkan token revoke JTI`.
    pub jti: String,
    pub iss: String,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum KeyError {
    #[error("the JWT secret `{kid}` is {len} bytes; at least {MIN_SECRET_LEN} are required")]
    TooShort { kid: String, len: usize },
    #[error("SAMVERKAN_JWT_VERIFY_KEYS entry `{0}` is not KID=SECRET")]
    BadEntry(String),
    #[error("kid `{0}` is given twice")]
    DuplicateKid(String),
    #[error("a municipality token needs --municipality CODE; other roles must not have one")]
    MunicipalityBinding,
    #[error("invalid SCB code: {0}")]
    BadCode(String),
    #[error("cannot sign the token: {0}")]
    Sign(String),
}

/// Signing key (current) and verification keys (current + older ones during rotation).
#[derive(Clone)]
pub struct JwtKeys {
    signing_kid: String,
    encoding: EncodingKey,
    decoding: HashMap<String, DecodingKey>,
}

impl std::fmt::Debug for JwtKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JwtKeys")
            .field("signing_kid", &self.signing_kid)
            .field("kids", &self.decoding.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl JwtKeys {
    /// `secret` signs and verifies under `kid`; `verify_only` is a comma-separated list
    /// of `KID=SECRET` accepted for verification (keys being rotated out).
    pub fn new(kid: &str, secret: &[u8], verify_only: &str) -> Result<Self, KeyError> {
        check_len(kid, secret)?;
        let mut decoding = HashMap::new();
        decoding.insert(kid.to_owned(), DecodingKey::from_secret(secret));
        for entry in verify_only
            .split(',')
            .map(str::trim)
            .filter(|e| !e.is_empty())
        {
            let (k, s) = entry
                .split_once('=')
                .ok_or_else(|| KeyError::BadEntry(entry.split('=').next().unwrap_or("").into()))?;
            check_len(k, s.as_bytes())?;
            if decoding
                .insert(k.to_owned(), DecodingKey::from_secret(s.as_bytes()))
                .is_some()
            {
                return Err(KeyError::DuplicateKid(k.to_owned()));
            }
        }
        Ok(Self {
            signing_kid: kid.to_owned(),
            encoding: EncodingKey::from_secret(secret),
            decoding,
        })
    }

    /// Issues a token; returns it with its claims.
    pub fn issue(
        &self,
        sub: &str,
        role: Role,
        municipality: Option<&str>,
        ttl: chrono::Duration,
    ) -> Result<(String, Claims), KeyError> {
        let municipality = match (role, municipality) {
            (Role::Municipality, Some(c)) => Some(
                ScbCode::parse(c)
                    .map_err(|e| KeyError::BadCode(format!("{c}: {e}")))?
                    .to_string(),
            ),
            (Role::Municipality, None) | (_, Some(_)) => return Err(KeyError::MunicipalityBinding),
            (_, None) => None,
        };
        let now = chrono::Utc::now().timestamp();
        let claims = Claims {
            sub: sub.to_owned(),
            role,
            municipality,
            iat: now,
            exp: now + ttl.num_seconds(),
            nbf: None,
            jti: uuid::Uuid::new_v4().to_string(),
            iss: ISSUER.into(),
        };
        Ok((self.sign(&claims)?, claims))
    }

    /// Signs `claims` as they are with the current key. Only [`JwtKeys::issue`] makes
    /// claims for a token that is recorded, so only its tokens are accepted.
    pub fn sign(&self, claims: &Claims) -> Result<String, KeyError> {
        let mut header = Header::new(Algorithm::HS256);
        header.kid = Some(self.signing_kid.clone());
        jsonwebtoken::encode(&header, claims, &self.encoding)
            .map_err(|e| KeyError::Sign(e.to_string()))
    }

    /// Verifies signature, kid, algorithm, issuer, expiry and `nbf` (no leeway) and that
    /// `iat` is not in the future (beyond [`IAT_LEEWAY_SECS`]). Whether the token was
    /// issued (its `jti` recorded) and not revoked is checked against the database by the
    /// authentication middleware.
    pub fn verify(&self, token: &str) -> Result<Claims, ApiError> {
        let unauthorized = |m: &str| ApiError::Unauthorized(m.to_owned());
        let header = jsonwebtoken::decode_header(token)
            .map_err(|_| unauthorized("the bearer token is malformed"))?;
        let kid = header
            .kid
            .ok_or_else(|| unauthorized("the token has no `kid` header"))?;
        let key = self
            .decoding
            .get(&kid)
            .ok_or_else(|| unauthorized("the token was signed with an unknown key"))?;
        let mut v = Validation::new(Algorithm::HS256);
        v.leeway = 0;
        v.validate_nbf = true;
        v.set_issuer(&[ISSUER]);
        v.set_required_spec_claims(&["exp", "iat", "iss", "sub"]);
        let data = jsonwebtoken::decode::<Claims>(token, key, &v).map_err(|e| {
            use jsonwebtoken::errors::ErrorKind as K;
            match e.kind() {
                K::ExpiredSignature => unauthorized("the token has expired"),
                K::ImmatureSignature => unauthorized("the token is not valid yet (`nbf`)"),
                K::InvalidSignature => unauthorized("the token signature is invalid"),
                _ => unauthorized("the token is invalid"),
            }
        })?;
        let c = data.claims;
        if c.iat > chrono::Utc::now().timestamp() + IAT_LEEWAY_SECS {
            return Err(unauthorized("the token was issued in the future (`iat`)"));
        }
        if (c.role == Role::Municipality) != c.municipality.is_some() {
            return Err(unauthorized("the token's municipality binding is invalid"));
        }
        Ok(c)
    }
}

fn check_len(kid: &str, secret: &[u8]) -> Result<(), KeyError> {
    if secret.len() < MIN_SECRET_LEN {
        return Err(KeyError::TooShort {
            kid: kid.to_owned(),
            len: secret.len(),
        });
    }
    Ok(())
}

/// Who is calling: anonymous, or the verified, unrevoked claims of a bearer token.
#[derive(Debug, Clone, Default)]
pub struct Caller(pub Option<Claims>);

impl Caller {
    /// The claims, if the caller has one of `roles` (admin always qualifies).
    /// Anonymous → 401; authenticated with another role → 403.
    pub fn require(&self, roles: &[Role]) -> Result<&Claims, ApiError> {
        match &self.0 {
            None => Err(ApiError::Unauthorized(
                "this operation needs a bearer token".into(),
            )),
            Some(c) if c.role == Role::Admin || roles.contains(&c.role) => Ok(c),
            Some(c) => {
                let mut allowed: Vec<Role> = Vec::new();
                for r in roles.iter().chain(std::iter::once(&Role::Admin)) {
                    if !allowed.contains(r) {
                        allowed.push(*r);
                    }
                }
                Err(ApiError::Forbidden(format!(
                    "the role `{}` may not do this; it needs {}",
                    c.role,
                    allowed
                        .iter()
                        .map(|r| format!("`{r}`"))
                        .collect::<Vec<_>>()
                        .join(" or ")
                )))
            }
        }
    }

    pub fn role(&self) -> Option<Role> {
        self.0.as_ref().map(|c| c.role)
    }

    /// True for staff roles that see drafts and non-public data.
    pub fn is_staff(&self) -> bool {
        matches!(
            self.role(),
            Some(Role::Secretary | Role::Treasurer | Role::Admin)
        )
    }
}

/// Verifies any bearer token before routing: an invalid, expired or revoked token is
/// 401 on every path (never silently treated as anonymous); a write without a token is
/// 401 before its body is read. Verified claims go into the request extensions.
pub async fn authenticate(
    req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody + 'static>,
) -> Result<
    actix_web::dev::ServiceResponse<actix_web::body::EitherBody<impl actix_web::body::MessageBody>>,
    actix_web::Error,
> {
    use actix_web::HttpMessage;
    match check_token(&req).await {
        Ok(Some(claims)) => {
            req.extensions_mut().insert(claims);
        }
        Ok(None) => {}
        // Rendered as a problem document by the middleware around this one.
        Err(e) => return Ok(req.error_response(e).map_into_right_body()),
    }
    next.call(req).await.map(|r| r.map_into_left_body())
}

/// How exactly a token's last use is kept: one stamp per token and hour.
const LAST_USE_RESOLUTION: chrono::Duration = chrono::Duration::hours(1);

/// Token ids this process saw at some instant, each for `ttl`: at most 10 000 at once
/// (beyond that the stale ones go, or all when none is stale).
struct Recent {
    ttl: std::time::Duration,
    seen: std::sync::OnceLock<std::sync::Mutex<HashMap<String, std::time::Instant>>>,
}

impl Recent {
    const fn new(ttl: std::time::Duration) -> Self {
        Recent {
            ttl,
            seen: std::sync::OnceLock::new(),
        }
    }

    fn seen(&self) -> std::sync::MutexGuard<'_, HashMap<String, std::time::Instant>> {
        self.seen
            .get_or_init(Default::default)
            .lock()
            .unwrap_or_else(|p| p.into_inner())
    }

    /// Whether `jti` was marked less than `ttl` ago.
    fn fresh(&self, jti: &str) -> bool {
        self.seen()
            .get(jti)
            .is_some_and(|at| at.elapsed() < self.ttl)
    }

    /// Marks `jti` now; `false` if it was marked less than `ttl` ago (and stays so).
    fn mark(&self, jti: &str) -> bool {
        let mut seen = self.seen();
        if seen.get(jti).is_some_and(|at| at.elapsed() < self.ttl) {
            return false;
        }
        if seen.len() > 10_000 {
            let ttl = self.ttl;
            seen.retain(|_, at| at.elapsed() < ttl);
            if seen.len() > 10_000 {
                seen.clear();
            }
        }
        seen.insert(jti.to_owned(), std::time::Instant::now());
        true
    }
}

/// Whether this process should stamp the token's last use now: once an hour per token
/// (the database update itself is conditional too, so replicas do not add up).
fn due_for_stamp(jti: &str) -> bool {
    static STAMPED: Recent = Recent::new(std::time::Duration::from_secs(3600));
    STAMPED.mark(jti)
}

/// Tokens the registry called valid, for reads: a read trusts that answer for one
/// second, so a revocation (`samverkan token revoke`, on any replica) takes effect on
/// reads within that time; a write always asks the registry, and an unknown or revoked
/// token is asked about every time.
static VALID_FOR_READS: Recent = Recent::new(std::time::Duration::from_secs(1));

/// Stamps the token's last use (at most once per [`LAST_USE_RESOLUTION`]).
fn stamp_use(conn: &mut samverkan_persistence::DbConnection, jti: &str) -> diesel::QueryResult<()> {
    let now = samverkan_persistence::now();
    samverkan_persistence::tokens::touch(conn, jti, now, now - LAST_USE_RESOLUTION)
}

/// The token of an `Authorization` value `Bearer TOKEN` (or `bearer TOKEN`), trimmed.
pub fn strip_bearer(value: &str) -> Option<&str> {
    value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))
        .map(str::trim)
}

/// Claims whose signature and expiry were verified earlier in this request (not yet
/// checked against the revocation list).
pub struct Verified(pub Claims);

async fn check_token(req: &actix_web::dev::ServiceRequest) -> Result<Option<Claims>, ApiError> {
    // `/metrics` has its own static token (SAMVERKAN_METRICS_TOKEN), not a JWT.
    if req.path() == "/metrics" {
        return Ok(None);
    }
    let Some(header) = req.headers().get(header::AUTHORIZATION) else {
        // An operation the spec marks as secured needs a token; answering 401 here means
        // the body of an anonymous write is never read. Unknown paths and methods stay
        // 404/405, and public operations (including the split preview) stay open.
        let secured = req
            .app_data::<web::Data<crate::fallback::RouteTable>>()
            .is_some_and(|t| t.is_secured(req.path(), req.method().as_str()));
        if secured {
            return Err(ApiError::Unauthorized(
                "this operation needs a bearer token".into(),
            ));
        }
        return Ok(None);
    };
    let header = header
        .to_str()
        .map_err(|_| ApiError::Unauthorized("the Authorization header is not ASCII".into()))?;
    let token = strip_bearer(header)
        .ok_or_else(|| ApiError::Unauthorized("use `Authorization: Bearer TOKEN`".into()))?;
    let state = req
        .app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| ApiError::internal("app state missing"))?;
    // The rate limiter ([`crate::ops::observe`]) has verified it already when it is valid.
    let verified = actix_web::HttpMessage::extensions(req)
        .get::<Verified>()
        .map(|v| v.0.clone());
    let claims = match verified {
        Some(c) => c,
        None => state.keys.verify(token)?,
    };
    let jti = claims.jti.clone();
    let stamp = due_for_stamp(&jti);
    let reads = matches!(
        *req.method(),
        actix_web::http::Method::GET | actix_web::http::Method::HEAD
    );
    let status = if reads && VALID_FOR_READS.fresh(&jti) {
        if stamp {
            // The hourly last-use stamp, off the request's path.
            let state = state.clone();
            actix_web::rt::spawn(async move {
                let stamped = crate::db::run(&state, move |conn| Ok(stamp_use(conn, &jti)?)).await;
                if let Err(e) = stamped {
                    tracing::warn!(error = %e, "could not stamp a token's last use");
                }
            });
        }
        TokenStatus::Valid
    } else {
        let key = jti.clone();
        let status = crate::db::run(&state, move |conn| {
            let status = samverkan_persistence::tokens::status(conn, &jti)?;
            if status == TokenStatus::Valid && stamp {
                stamp_use(conn, &jti)?;
            }
            Ok(status)
        })
        .await?;
        if status == TokenStatus::Valid {
            VALID_FOR_READS.mark(&key);
        }
        status
    };
    match status {
        TokenStatus::Valid => Ok(Some(claims)),
        TokenStatus::Revoked => Err(ApiError::Unauthorized("the token has been revoked".into())),
        TokenStatus::Unknown => Err(ApiError::Unauthorized(
            "the token was not issued by this server (its `jti` is not in the token registry)"
                .into(),
        )),
    }
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        use actix_web::HttpMessage;
        std::future::ready(Ok(Caller(req.extensions().get::<Claims>().cloned())))
    }
}

/// Which roles an [`Authorized`] extractor admits (admin always).
pub trait Policy {
    const ROLES: &'static [Role];
}

/// Admin only.
pub struct AdminOnly;
impl Policy for AdminOnly {
    const ROLES: &'static [Role] = &[Role::Admin];
}

/// The committee secretary (and admin).
pub struct SecretaryOnly;
impl Policy for SecretaryOnly {
    const ROLES: &'static [Role] = &[Role::Secretary];
}

/// Finance (and admin).
pub struct TreasurerOnly;
impl Policy for TreasurerOnly {
    const ROLES: &'static [Role] = &[Role::Treasurer];
}

/// Claims of a caller whose role the policy admits; 401/403 otherwise. Put it first in
/// a handler's arguments so the role is checked before the body is read.
pub struct Authorized<P: Policy>(pub Claims, Option<String>, std::marker::PhantomData<P>);

impl<P: Policy> Authorized<P> {
    pub fn claims(&self) -> &Claims {
        &self.0
    }

    /// Who writes (the token's `sub` and role) and for which request: what the write
    /// path stores in the audit log.
    pub fn context(&self) -> samverkan_persistence::WriteContext {
        samverkan_persistence::WriteContext::new(
            samverkan_persistence::Actor::new(&self.0.sub, self.0.role.as_str())
                .with_jti(&self.0.jti),
            self.1.clone(),
        )
    }
}

impl<P: Policy> FromRequest for Authorized<P> {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        use actix_web::HttpMessage;
        let caller = Caller(req.extensions().get::<Claims>().cloned());
        let request_id = req
            .extensions()
            .get::<tracing_actix_web::RequestId>()
            .map(|id| id.to_string());
        std::future::ready(
            caller
                .require(P::ROLES)
                .map(|c| Authorized(c.clone(), request_id, std::marker::PhantomData)),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: &[u8] = b"0123456789abcdef0123456789abcdef";

    #[test]
    fn short_secret_is_refused() {
        assert_eq!(
            JwtKeys::new("k", b"short", "").err(),
            Some(KeyError::TooShort {
                kid: "k".into(),
                len: 5
            })
        );
    }

    #[test]
    fn rotation_accepts_old_kid_and_rejects_unknown() {
        let old = JwtKeys::new("old", S, "").expect("keys");
        let (t, _) = old
            .issue("x", Role::Admin, None, chrono::Duration::hours(1))
            .expect("token");
        let new = JwtKeys::new(
            "new",
            b"fedcba9876543210fedcba9876543210",
            "old=0123456789abcdef0123456789abcdef",
        )
        .expect("keys");
        assert_eq!(new.verify(&t).map(|c| c.role).ok(), Some(Role::Admin));
        let other = JwtKeys::new("new", b"fedcba9876543210fedcba9876543210", "").expect("keys");
        assert!(other.verify(&t).is_err());
    }

    #[test]
    fn municipality_binding_is_enforced() {
        let k = JwtKeys::new("k", S, "").expect("keys");
        let ttl = chrono::Duration::hours(1);
        assert!(k.issue("x", Role::Municipality, None, ttl).is_err());
        assert!(k.issue("x", Role::Admin, Some("2580"), ttl).is_err());
        assert!(
            k.issue("x", Role::Municipality, Some("25800"), ttl)
                .is_err()
        );
        let (t, c) = k
            .issue("x", Role::Municipality, Some("2580"), ttl)
            .expect("token");
        assert_eq!(k.verify(&t).ok(), Some(c));
    }

    #[test]
    fn expired_is_rejected() {
        let k = JwtKeys::new("k", S, "").expect("keys");
        let (t, _) = k
            .issue("x", Role::Admin, None, chrono::Duration::seconds(-5))
            .expect("token");
        assert!(matches!(k.verify(&t), Err(ApiError::Unauthorized(m)) if m.contains("expired")));
    }
}
