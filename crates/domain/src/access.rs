//! Who may do what inside an organisation: roles, what each role allows, and memberships that may
//! expire (a certification body's auditor keeps read access only until the audit ends).
//!
//! The installation administrator is not a role inside an organisation: it manages organisations,
//! users and memberships, and sees an organisation's content only through a membership of its own.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::ValidationError;

/// A user's role in one organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Runs the organisation in Ward: members, policy, API tokens, everything else.
    Owner,
    /// Runs the security programme: edits everything, cannot manage members.
    SecurityOfficer,
    /// Edits what is assigned to them.
    Contributor,
    /// Reads everything, including the audit log; changes nothing. Often time-limited.
    Auditor,
    /// Management and the board: reads status and reports.
    Viewer,
}

/// Something a member may be allowed to do in an organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Permission {
    /// Read the organisation's data.
    View,
    /// Change anything in the organisation's security programme.
    EditAny,
    /// Change only items assigned to oneself.
    EditAssigned,
    /// Change the organisation's profile and policies (e.g. require MFA).
    ManageOrganisation,
    /// Add, change and remove members.
    ManageMembers,
    /// Create and revoke API tokens.
    ManageApiTokens,
    /// Browse and export the audit log.
    ViewAuditLog,
}

impl Role {
    pub const ALL: [Role; 5] =
        [Role::Owner, Role::SecurityOfficer, Role::Contributor, Role::Auditor, Role::Viewer];

    pub fn allows(self, permission: Permission) -> bool {
        use Permission::*;
        match self {
            Role::Owner => true,
            Role::SecurityOfficer => matches!(permission, View | EditAny | EditAssigned),
            Role::Contributor => matches!(permission, View | EditAssigned),
            Role::Auditor => matches!(permission, View | ViewAuditLog),
            Role::Viewer => matches!(permission, View),
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::SecurityOfficer => "security_officer",
            Role::Contributor => "contributor",
            Role::Auditor => "auditor",
            Role::Viewer => "viewer",
        }
    }

    pub fn parse(code: &str) -> Result<Role, ValidationError> {
        let wanted = code.trim().replace('-', "_").to_ascii_lowercase();
        Role::ALL.into_iter().find(|r| r.code() == wanted).ok_or_else(|| {
            ValidationError::new(
                "role",
                "unknown",
                format!("unknown role {code:?}; expected one of: {}", Role::ALL.map(Role::code).join(", ")),
            )
        })
    }
}

/// A user's membership of an organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Membership {
    pub role: Role,
    /// After this moment the membership grants nothing.
    pub expires_at: Option<OffsetDateTime>,
}

impl Membership {
    pub fn is_active(&self, now: OffsetDateTime) -> bool {
        self.expires_at.is_none_or(|end| now < end)
    }

    /// The permission, if the membership is active at `now`.
    pub fn allows(&self, permission: Permission, now: OffsetDateTime) -> bool {
        self.is_active(now) && self.role.allows(permission)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn the_role_matrix() {
        use Permission::*;
        let all =
            [View, EditAny, EditAssigned, ManageOrganisation, ManageMembers, ManageApiTokens, ViewAuditLog];
        let expected: [(Role, &[Permission]); 5] = [
            (Role::Owner, &all),
            (Role::SecurityOfficer, &[View, EditAny, EditAssigned]),
            (Role::Contributor, &[View, EditAssigned]),
            (Role::Auditor, &[View, ViewAuditLog]),
            (Role::Viewer, &[View]),
        ];
        for (role, allowed) in expected {
            for p in all {
                assert_eq!(role.allows(p), allowed.contains(&p), "{role:?} {p:?}");
            }
        }
    }

    #[test]
    fn expired_memberships_grant_nothing() {
        let m = Membership { role: Role::Auditor, expires_at: Some(datetime!(2027-04-18 0:00 UTC)) };
        assert!(m.allows(Permission::View, datetime!(2027-04-17 23:59 UTC)));
        assert!(!m.allows(Permission::View, datetime!(2027-04-18 0:00 UTC)));
        let forever = Membership { role: Role::Viewer, expires_at: None };
        assert!(forever.allows(Permission::View, datetime!(2099-01-01 0:00 UTC)));
    }

    #[test]
    fn roles_parse() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.code()).unwrap(), role);
        }
        assert_eq!(Role::parse("Security-Officer").unwrap(), Role::SecurityOfficer);
        assert!(Role::parse("admin").is_err());
    }
}

/// One rule of single sign-on: members of an identity-provider group get a role in an organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupRole {
    pub group: String,
    pub org: crate::OrgSlug,
    pub role: Role,
}

/// The role in each mapped organisation that a person's groups give: the strongest when several
/// groups map to the same organisation. Organisations no rule mentions are left out.
pub fn roles_from_groups(
    groups: &[String],
    rules: &[GroupRole],
) -> std::collections::BTreeMap<crate::OrgSlug, Option<Role>> {
    let mut out: std::collections::BTreeMap<crate::OrgSlug, Option<Role>> = std::collections::BTreeMap::new();
    for rule in rules {
        let entry = out.entry(rule.org.clone()).or_insert(None);
        if groups.iter().any(|g| g == &rule.group) {
            // `Role` orders from strongest (Owner) to weakest (Viewer).
            *entry = Some(entry.map_or(rule.role, |r| r.min(rule.role)));
        }
    }
    out
}

#[cfg(test)]
mod sso_tests {
    use super::*;
    use crate::OrgSlug;

    #[test]
    fn groups_give_the_strongest_mapped_role_and_clear_the_rest() {
        let az = OrgSlug::parse("az").unwrap();
        let lab = OrgSlug::parse("lab").unwrap();
        let rules = vec![
            GroupRole { group: "ward-viewers".into(), org: az.clone(), role: Role::Viewer },
            GroupRole { group: "ward-ciso".into(), org: az.clone(), role: Role::Owner },
            GroupRole { group: "lab-it".into(), org: lab.clone(), role: Role::SecurityOfficer },
        ];
        let roles = roles_from_groups(&["ward-viewers".into(), "ward-ciso".into()], &rules);
        assert_eq!(roles.get(&az), Some(&Some(Role::Owner)));
        assert_eq!(roles.get(&lab), Some(&None), "mapped but not a member: the membership goes");
        assert_eq!(roles_from_groups(&[], &rules).values().filter(|r| r.is_some()).count(), 0);
    }
}
