use axum::http::request::Parts;
use ward_app::Ward;
use ward_domain::{Organisation, Permission, Role};

use crate::auth::Auth;
use crate::i18n::{Tr, cookie};
use crate::pages::language::{FLASH_COOKIE, flash_key};

/// An organisation in the switcher.
pub struct OrgLink {
    pub slug: String,
    pub name: String,
    pub current: bool,
}

/// One entry of an organisation's section navigation.
pub struct NavItem {
    pub href: String,
    pub label: &'static str,
    pub current: bool,
}

/// The sections of an organisation, in menu order, each shown only to roles that may open it.
/// Each capability adds its entry here when its pages exist, so the menu never links to something
/// that is not there or that the reader may not open.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Overview,
    Scoping,
    Assessment,
    Tasks,
    Assets,
    Members,
    Audit,
    Settings,
}

impl Section {
    const ALL: [Section; 8] = [
        Section::Overview,
        Section::Scoping,
        Section::Assessment,
        Section::Tasks,
        Section::Assets,
        Section::Members,
        Section::Audit,
        Section::Settings,
    ];

    fn href(self, slug: &str) -> String {
        match self {
            Section::Overview => format!("/orgs/{slug}"),
            Section::Scoping => format!("/orgs/{slug}/scoping"),
            Section::Assessment => format!("/orgs/{slug}/assessments"),
            Section::Tasks => format!("/orgs/{slug}/tasks"),
            Section::Assets => format!("/orgs/{slug}/assets"),
            Section::Members => format!("/orgs/{slug}/members"),
            Section::Audit => format!("/orgs/{slug}/audit"),
            Section::Settings => format!("/orgs/{slug}/settings"),
        }
    }

    fn label_key(self) -> &'static str {
        match self {
            Section::Overview => "nav.overview",
            Section::Scoping => "nav.scoping",
            Section::Assessment => "nav.assessment",
            Section::Tasks => "nav.tasks",
            Section::Assets => "nav.assets",
            Section::Members => "nav.members",
            Section::Audit => "nav.audit",
            Section::Settings => "nav.settings",
        }
    }

    fn permission(self) -> Permission {
        match self {
            Section::Overview
            | Section::Scoping
            | Section::Assessment
            | Section::Tasks
            | Section::Assets
            | Section::Members => Permission::View,
            Section::Audit => Permission::ViewAuditLog,
            Section::Settings => Permission::ManageOrganisation,
        }
    }
}

/// What the frame around every page needs.
pub struct Layout {
    pub tr: Tr,
    pub title: String,
    pub path: String,
    pub orgs: Vec<OrgLink>,
    pub current_org: Option<OrgLink>,
    pub org_nav: Vec<NavItem>,
    pub flash: Option<&'static str>,
    pub version: &'static str,
    /// The signed-in person's name, e-mail and whether they administer the installation.
    pub user: Option<(String, String)>,
    pub is_admin: bool,
    /// Goes into every form as `_csrf`.
    pub csrf: String,
}

/// What a page handler knows about the request that the layout needs.
pub struct PageContext {
    pub path: String,
    pub flash: Option<&'static str>,
}

impl PageContext {
    pub fn from_parts(parts: &Parts, tr: Tr) -> Self {
        let flash = cookie(parts, FLASH_COOKIE).and_then(flash_key).map(|key| tr.t(key));
        Self { path: parts.uri.path().to_owned(), flash }
    }
}

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for PageContext {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(PageContext::from_parts(parts, crate::i18n::tr_for(parts)))
    }
}

impl Layout {
    /// A bare layout (no organisation list): for error and sign-in pages, which must not depend
    /// on the database or on who is asking.
    pub fn bare(tr: Tr, title: &str, path: &str) -> Self {
        Self {
            tr,
            title: title.to_owned(),
            path: path.to_owned(),
            orgs: Vec::new(),
            current_org: None,
            org_nav: Vec::new(),
            flash: None,
            version: env!("CARGO_PKG_VERSION"),
            user: None,
            is_admin: false,
            csrf: String::new(),
        }
    }

    /// A bare layout that still carries the flash message and CSRF token (sign-in steps).
    pub fn minimal(tr: Tr, title: &str, ctx: PageContext, auth: &Auth) -> Self {
        Self { flash: ctx.flash, csrf: auth.csrf_token.clone(), ..Self::bare(tr, title, &ctx.path) }
    }

    /// The full layout, with the organisation switcher and, inside an organisation, the sections
    /// the reader's role may open.
    pub async fn build(
        ward: &Ward,
        auth: &Auth,
        tr: Tr,
        ctx: PageContext,
        title: &str,
        current: Option<(&Organisation, Option<Role>, Section)>,
    ) -> Result<Self, ward_app::AppError> {
        let current_slug = current.map(|(o, _, _)| o.slug.as_str());
        let orgs = ward
            .organisations(&auth.ctx)
            .await?
            .into_iter()
            .map(|o| OrgLink {
                current: Some(o.slug.as_str()) == current_slug,
                slug: o.slug.to_string(),
                name: o.name.to_string(),
            })
            .collect();
        let (current_org, org_nav) = match current {
            Some((org, role, active)) => (
                Some(OrgLink { slug: org.slug.to_string(), name: org.name.to_string(), current: true }),
                Section::ALL
                    .iter()
                    .filter(|s| role.is_none_or(|r| r.allows(s.permission())))
                    .map(|&s| NavItem {
                        href: s.href(org.slug.as_str()),
                        label: tr.t(s.label_key()),
                        current: s == active,
                    })
                    .collect(),
            ),
            None => (None, Vec::new()),
        };
        let user = auth.ctx.user();
        Ok(Self {
            tr,
            title: title.to_owned(),
            path: ctx.path,
            orgs,
            current_org,
            org_nav,
            flash: ctx.flash,
            version: env!("CARGO_PKG_VERSION"),
            user: user.map(|u| (u.display_name.clone(), u.email.to_string())),
            is_admin: auth.ctx.is_admin(),
            csrf: auth.csrf_token.clone(),
        })
    }
}

/// The frame of a page inside an organisation: the layout with the organisation's sections and
/// `section` marked as the current one.
pub async fn org_layout(
    state: &crate::state::AppState,
    auth: &Auth,
    tr: Tr,
    ctx: PageContext,
    profile: &ward_app::OrganisationProfile,
    title_key: &'static str,
    section: Section,
) -> Result<Layout, crate::error::PageError> {
    use crate::error::OrPage;
    Layout::build(
        &state.ward,
        auth,
        tr,
        ctx,
        tr.t(title_key),
        Some((&profile.organisation, profile.role, section)),
    )
    .await
    .or_page(tr)
}
