use axum::http::request::Parts;
use ward_app::Ward;
use ward_domain::Organisation;

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

/// The sections of an organisation, in menu order. Each capability adds its entry here when its
/// pages exist, so the menu never links to something that is not there.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Overview,
}

impl Section {
    const ALL: [Section; 1] = [Section::Overview];

    fn href(self, slug: &str) -> String {
        match self {
            Section::Overview => format!("/orgs/{slug}"),
        }
    }

    fn label_key(self) -> &'static str {
        match self {
            Section::Overview => "nav.overview",
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
        Ok(PageContext::from_parts(parts, Tr::new(crate::i18n::locale_of(parts))))
    }
}

impl Layout {
    /// A bare layout (no organisation list): for error pages, which must not depend on the database.
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
        }
    }

    /// The full layout, with the organisation switcher and, inside an organisation, its sections.
    pub async fn build(
        ward: &Ward,
        tr: Tr,
        ctx: PageContext,
        title: &str,
        current: Option<(&Organisation, Section)>,
    ) -> Result<Self, ward_app::AppError> {
        let current_slug = current.map(|(o, _)| o.slug.as_str());
        let orgs = ward
            .organisations()
            .await?
            .into_iter()
            .map(|o| OrgLink {
                current: Some(o.slug.as_str()) == current_slug,
                slug: o.slug.to_string(),
                name: o.name.to_string(),
            })
            .collect();
        let (current_org, org_nav) = match current {
            Some((org, active)) => (
                Some(OrgLink { slug: org.slug.to_string(), name: org.name.to_string(), current: true }),
                Section::ALL
                    .iter()
                    .map(|&s| NavItem {
                        href: s.href(org.slug.as_str()),
                        label: tr.t(s.label_key()),
                        current: s == active,
                    })
                    .collect(),
            ),
            None => (None, Vec::new()),
        };
        Ok(Self {
            tr,
            title: title.to_owned(),
            path: ctx.path,
            orgs,
            current_org,
            org_nav,
            flash: ctx.flash,
            version: env!("CARGO_PKG_VERSION"),
        })
    }
}
