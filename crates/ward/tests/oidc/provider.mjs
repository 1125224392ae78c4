// A real OpenID Connect provider (panva/oidc-provider) for Ward's single sign-on tests.
// It signs in one fixed account without asking (the account comes from ACCOUNT as JSON) and
// grants the requested scopes, so tests exercise Ward's side of the flow against real
// discovery, PKCE, signed ID tokens and the token endpoint.
//
// Environment: PORT, CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, ACCOUNT ({"sub", "email", "name", "groups"}).
import http from 'node:http';
import Provider from 'oidc-provider';

const port = Number(process.env.PORT);
const account = JSON.parse(process.env.ACCOUNT);
const issuer = `http://127.0.0.1:${port}`;

const provider = new Provider(issuer, {
  clients: [{
    client_id: process.env.CLIENT_ID,
    client_secret: process.env.CLIENT_SECRET,
    redirect_uris: [process.env.REDIRECT_URI],
    grant_types: ['authorization_code'],
    response_types: ['code'],
  }],
  pkce: { required: () => true },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name'],
    groups: ['groups'],
  },
  scopes: ['openid', 'email', 'profile', 'groups'],
  // Put the claims in the ID token itself (Ward reads them there).
  conformIdTokenClaims: false,
  cookies: { keys: ['ward-test-provider-cookie-key'] },
  features: { devInteractions: { enabled: false } },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(ctx, id) {
    if (id !== account.sub) return undefined;
    return {
      accountId: id,
      async claims() {
        return { sub: id, email: account.email, email_verified: true, name: account.name, groups: account.groups };
      },
    };
  },
});

const handler = provider.callback();
const server = http.createServer(async (req, res) => {
  const match = req.url.match(/^\/interaction\/([^/?]+)/);
  if (!match) return handler(req, res);
  try {
    const details = await provider.interactionDetails(req, res);
    if (details.prompt.name === 'login') {
      await provider.interactionFinished(req, res, { login: { accountId: account.sub } }, { mergeWithLastSubmission: false });
    } else {
      const grant = new provider.Grant({ accountId: details.session.accountId, clientId: details.params.client_id });
      grant.addOIDCScope(details.params.scope);
      const grantId = await grant.save();
      await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
    }
  } catch (err) {
    res.statusCode = 500;
    res.end(String(err));
  }
});
server.listen(port, '127.0.0.1', () => console.log(`ready ${issuer}`));
