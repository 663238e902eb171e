// AWS's own JavaScript clients, driven against the local Cognito: every flow pycognito supports.
// Run by tests/js_oracle/test_js_oracle.py (make test-js) with one argument, a JSON object:
// {endpoint, region, pools: {name: {id, client, secret?}}, password}. Prints one JSON line per
// step: {"step": name, "ok": true} or {"step": name, "ok": false, "error": "..."}.
"use strict";

const {
  AuthenticationDetails, CognitoUser, CognitoUserAttribute, CognitoUserPool,
} = require("amazon-cognito-identity-js");
const idp = require("@aws-sdk/client-cognito-identity-provider");
const { CognitoJwtVerifier } = require("aws-jwt-verify");
const { createHmac } = require("node:crypto");
const { check, MemoryStorage } = require("./helpers.cjs");

const config = JSON.parse(process.argv[2]);
const { endpoint, region, pools, password } = config;
let failures = 0;

function report(step, error) {
  if (error) {
    failures += 1;
    console.log(JSON.stringify({ step, ok: false, error: String(error && (error.stack || error.message || error)) }));
  } else {
    console.log(JSON.stringify({ step, ok: true }));
  }
}

async function step(name, body) {
  try {
    await body();
    report(name);
  } catch (error) {
    report(name, error);
  }
}

// -- helpers ------------------------------------------------------------------------------------

function userPool(name, storage) {
  const pool = pools[name];
  return new CognitoUserPool({ UserPoolId: pool.id, ClientId: pool.client, endpoint, Storage: storage });
}

function user(name, username, storage) {
  return new CognitoUser({ Username: username, Pool: userPool(name, storage), Storage: storage });
}

const sdk = new idp.CognitoIdentityProviderClient({
  region, endpoint, credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
  maxAttempts: 1,
});

async function lastCode(username, kind) {
  const url = `${endpoint}/_local/messages?username=${encodeURIComponent(username)}&kind=${kind}`;
  const messages = await (await fetch(url)).json();
  check(messages.length > 0, `no ${kind} message for ${username}`);
  return messages[messages.length - 1].code;
}

async function totp(secret, steps = 0) {
  const url = `${endpoint}/_local/clock`;
  const now = (await (await fetch(url)).json()).now;
  const key = base32(secret);
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(now / 30) + steps));
  const mac = createHmac("sha1", key).update(counter).digest();
  const offset = mac[mac.length - 1] & 0xf;
  const value = (mac.readUInt32BE(offset) & 0x7fffffff) % 1000000;
  return String(value).padStart(6, "0");
}

function base32(text) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const c of text.replace(/=+$/, "").toUpperCase()) {
    bits += alphabet.indexOf(c).toString(2).padStart(5, "0");
  }
  const bytes = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

// authenticateUser as a promise; `answer` handles each challenge callback by name.
function login(cognitoUser, pass, answer = {}) {
  return new Promise((resolve, reject) => {
    const callbacks = {
      onSuccess: (session, confirmationNecessary) => resolve({ session, confirmationNecessary }),
      onFailure: reject,
    };
    for (const name of ["mfaRequired", "totpRequired", "selectMFAType", "mfaSetup", "newPasswordRequired"]) {
      callbacks[name] = (...args) => {
        if (!answer[name]) return reject(new Error(`unexpected ${name} challenge`));
        Promise.resolve(answer[name](callbacks, ...args)).catch(reject);
        return undefined;
      };
    }
    cognitoUser.authenticateUser(
      new AuthenticationDetails({ Username: cognitoUser.getUsername(), Password: pass }), callbacks);
  });
}

function call(cognitoUser, method, ...args) {
  return new Promise((resolve, reject) => {
    cognitoUser[method](...args, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

async function calls(operation) {
  return (await (await fetch(`${endpoint}/_local/calls?operation=${operation}`)).json());
}

// -- the flows ----------------------------------------------------------------------------------

async function main() {
  const newPassword = `${password}x`;
  let session;
  let refreshed;
  const storage = new MemoryStorage();

  await step("sign-up and confirm with the e-mailed code", async () => {
    const pool = userPool("plain", storage);
    await new Promise((resolve, reject) => pool.signUp("carol", password, [
      new CognitoUserAttribute({ Name: "email", Value: "carol@example.com" }),
    ], null, (e, r) => (e ? reject(e) : resolve(r))));
    const code = await lastCode("carol", "sign_up");
    await call(user("plain", "carol", storage), "confirmRegistration", code, true);
  });

  await step("SRP login (USER_SRP_AUTH) and a valid session", async () => {
    ({ session } = await login(user("plain", "carol", storage), password));
    check(session.isValid(), "session is not valid");
    check(session.getIdToken().decodePayload()["cognito:username"] === "carol", "wrong user");
  });

  await step("wrong SRP password is refused", async () => {
    try {
      await login(user("plain", "carol", new MemoryStorage()), "Wrong-Password-1!");
    } catch (error) {
      check(error.code === "NotAuthorizedException", `got ${error.code}`);
      return;
    }
    throw new Error("a wrong password logged in");
  });

  await step("USER_PASSWORD_AUTH login", async () => {
    const u = user("plain", "carol", new MemoryStorage());
    u.setAuthenticationFlowType("USER_PASSWORD_AUTH");
    const result = await login(u, password);
    check(result.session.isValid(), "session is not valid");
  });

  await step("attributes: read and update (code for the new e-mail)", async () => {
    const u = user("plain", "carol", storage);
    u.setSignInUserSession(session);
    const attributes = await call(u, "getUserAttributes");
    check(attributes.some((a) => a.Name === "email" && a.Value === "carol@example.com"), "no email");
    await call(u, "updateAttributes", [new CognitoUserAttribute({ Name: "given_name", Value: "Carol" })]);
    const again = await call(u, "getUserAttributes");
    check(again.some((a) => a.Name === "given_name" && a.Value === "Carol"), "given_name not set");
  });

  await step("change password, then log in with it", async () => {
    const u = user("plain", "carol", storage);
    u.setSignInUserSession(session);
    await call(u, "changePassword", password, newPassword);
    ({ session } = await login(user("plain", "carol", storage), newPassword));
  });

  await step("forgot password: code, new password, login", async () => {
    const u = user("plain", "carol", storage);
    await new Promise((resolve, reject) => u.forgotPassword({ onSuccess: resolve, onFailure: reject, inputVerificationCode: resolve }));
    const code = await lastCode("carol", "forgot_password");
    await new Promise((resolve, reject) => u.confirmPassword(code, password, { onSuccess: resolve, onFailure: reject }));
    ({ session } = await login(user("plain", "carol", storage), password));
  });

  await step("refresh the session (REFRESH_TOKEN_AUTH)", async () => {
    const u = user("plain", "carol", storage);
    refreshed = await call(u, "refreshSession", session.getRefreshToken());
    check(refreshed.isValid(), "refreshed session is not valid");
    check(refreshed.getAccessToken().decodePayload().origin_jti
      === session.getAccessToken().decodePayload().origin_jti, "origin_jti changed");
  });

  await step("aws-jwt-verify accepts the tokens as they are", async () => {
    const pool = pools.plain;
    const jwks = await (await fetch(`${endpoint}/${pool.id}/.well-known/jwks.json`)).json();
    const idVerifier = CognitoJwtVerifier.create({ userPoolId: pool.id, tokenUse: "id", clientId: pool.client });
    idVerifier.cacheJwks(jwks);
    const accessVerifier = CognitoJwtVerifier.create({ userPoolId: pool.id, tokenUse: "access", clientId: pool.client });
    accessVerifier.cacheJwks(jwks);
    await idVerifier.verify(refreshed.getIdToken().getJwtToken());
    await accessVerifier.verify(refreshed.getAccessToken().getJwtToken());
    const header = JSON.parse(Buffer.from(refreshed.getIdToken().getJwtToken().split(".")[0], "base64url"));
    check(Object.keys(header).join(",") === "kid,alg", `header ${JSON.stringify(header)}`);
  });

  await step("aws-jwt-verify: one pool's keys do not verify another pool's tokens", async () => {
    const other = pools.mfa;
    const otherJwks = await (await fetch(`${endpoint}/${other.id}/.well-known/jwks.json`)).json();
    const mixedUp = CognitoJwtVerifier.create({ userPoolId: pools.plain.id, tokenUse: "id", clientId: pools.plain.client });
    mixedUp.cacheJwks(otherJwks);
    try {
      await mixedUp.verify(refreshed.getIdToken().getJwtToken());
    } catch (error) {
      check(/kid|JWK/i.test(String(error.name) + String(error.message)), `refused for ${error}`);
      return;
    }
    throw new Error("a verifier holding another pool's keys accepted the token");
  });

  await step("global sign-out ends the session", async () => {
    const u = user("plain", "carol", storage);
    u.setSignInUserSession(refreshed);
    await new Promise((resolve, reject) => u.globalSignOut({ onSuccess: resolve, onFailure: reject }));
    try {
      await call(u, "getUserAttributes");
    } catch (error) {
      check(error.code === "NotAuthorizedException", `got ${error.code}`);
      return;
    }
    throw new Error("a signed-out access token still works");
  });

  await step("sign-out revokes the refresh token (RevokeToken)", async () => {
    const u = user("plain", "carol", new MemoryStorage());
    const fresh = (await login(u, password)).session;
    await new Promise((resolve, reject) => u.signOut((error) => (error ? reject(error) : resolve())));
    try {
      await call(user("plain", "carol", new MemoryStorage()), "refreshSession", fresh.getRefreshToken());
    } catch (error) {
      check(error.code === "NotAuthorizedException", `got ${error.code}`);
      return;
    }
    throw new Error("a revoked refresh token still works");
  });

  // -- NEW_PASSWORD_REQUIRED --------------------------------------------------------------------
  await step("NEW_PASSWORD_REQUIRED: admin-created user sets a password", async () => {
    await sdk.send(new idp.AdminCreateUserCommand({
      UserPoolId: pools.plain.id, Username: "dave", TemporaryPassword: password,
      MessageAction: "SUPPRESS",
      UserAttributes: [{ Name: "email", Value: "dave@example.com" }, { Name: "email_verified", Value: "true" }],
    }));
    const u = user("plain", "dave", new MemoryStorage());
    const result = await login(u, password, {
      newPasswordRequired: (callbacks, userAttributes, requiredAttributes) => {
        check(!requiredAttributes.includes("sub"), `requiredAttributes ${requiredAttributes}`);
        delete userAttributes.email_verified;
        delete userAttributes.email;
        u.completeNewPasswordChallenge(newPassword, userAttributes, callbacks);
      },
    });
    check(result.session.isValid(), "no session after the new password");
  });

  // -- MFA and devices --------------------------------------------------------------------------
  const deviceStorage = new MemoryStorage();
  let secret;
  await step("TOTP: associate, verify, prefer; the login asks for the code", async () => {
    const u = user("mfa", "erin", deviceStorage);
    const first = await login(u, password);  // no MFA yet; the new device is confirmed
    u.setSignInUserSession(first.session);
    secret = await new Promise((resolve, reject) => u.associateSoftwareToken({
      associateSecretCode: resolve, onFailure: reject,
    }));
    await new Promise((resolve, reject) => u.verifySoftwareToken(
      "000000", "phone", { onSuccess: resolve, onFailure: resolve }));  // a wrong code first
    const code = await totp(secret);
    await new Promise((resolve, reject) => u.verifySoftwareToken(code, "phone", { onSuccess: resolve, onFailure: reject }));
    await call(u, "setUserMfaPreference", null, { Enabled: true, PreferredMfa: true });
  });

  await step("MFA before the device: TOTP, then the device's SRP, then tokens", async () => {
    const u = user("mfa", "erin", deviceStorage);
    let asked = 0;
    const result = await login(u, password, {
      totpRequired: async (callbacks) => {
        asked += 1;
        u.sendMFACode(await totp(secret), callbacks, "SOFTWARE_TOKEN_MFA");
      },
    });
    check(asked === 1, "TOTP was not asked");
    check(result.session.getAccessToken().decodePayload().device_key === u.deviceKey, "no device_key claim");
    const names = (await calls("RespondToAuthChallenge")).map((c) => c.challenge_name).slice(-4);
    check(names.join(",") === "PASSWORD_VERIFIER,SOFTWARE_TOKEN_MFA,DEVICE_SRP_AUTH,DEVICE_PASSWORD_VERIFIER",
      `challenges ${names}`);
  });

  await step("a remembered device skips MFA", async () => {
    const u = user("mfa", "erin", deviceStorage);
    const signedIn = (await login(u, password, {
      totpRequired: async (callbacks) => u.sendMFACode(await totp(secret), callbacks, "SOFTWARE_TOKEN_MFA"),
    })).session;
    u.setSignInUserSession(signedIn);
    await new Promise((resolve, reject) => u.setDeviceStatusRemembered({ onSuccess: resolve, onFailure: reject }));
    const again = user("mfa", "erin", deviceStorage);
    await login(again, password);  // no totpRequired handler: MFA must not be asked
  });

  await step("refresh with the device key", async () => {
    const u = user("mfa", "erin", deviceStorage);
    const { session: s } = await login(u, password);
    const r = await call(u, "refreshSession", s.getRefreshToken());
    check(r.isValid(), "no session after the refresh");
  });

  await step("a forgotten device: refused, forgotten by the client, login without it", async () => {
    const u = user("mfa", "erin", deviceStorage);
    const { session: s } = await login(u, password);
    u.setSignInUserSession(s);
    const forgotten = u.deviceKey;
    await sdk.send(new idp.AdminForgetDeviceCommand({ UserPoolId: pools.mfa.id, Username: "erin", DeviceKey: forgotten }));
    const again = user("mfa", "erin", deviceStorage);
    const result = await login(again, password, {
      totpRequired: async (callbacks) => again.sendMFACode(await totp(secret), callbacks, "SOFTWARE_TOKEN_MFA"),
    });
    check(result.session.isValid(), "no session");
    check(again.deviceKey && again.deviceKey !== forgotten, "the client kept the forgotten key");
  });

  // -- the AWS SDK v3 ---------------------------------------------------------------------------
  await step("SDK v3: admin calls and ListUsers paging", async () => {
    for (const name of ["p1", "p2", "p3"]) {
      await sdk.send(new idp.AdminCreateUserCommand({ UserPoolId: pools.plain.id, Username: name, MessageAction: "SUPPRESS" }));
    }
    const got = await sdk.send(new idp.AdminGetUserCommand({ UserPoolId: pools.plain.id, Username: "p1" }));
    check(got.UserStatus === "FORCE_CHANGE_PASSWORD", `status ${got.UserStatus}`);
    check(got.UserCreateDate instanceof Date && !Number.isNaN(got.UserCreateDate.getTime()), "no UserCreateDate");
    const seen = [];
    let token;
    do {
      const page = await sdk.send(new idp.ListUsersCommand({ UserPoolId: pools.plain.id, Limit: 2, PaginationToken: token }));
      seen.push(...page.Users.map((u) => u.Username));
      token = page.PaginationToken;
    } while (token);
    check(["p1", "p2", "p3", "carol", "dave"].every((n) => seen.includes(n)), `users ${seen}`);
    check(new Set(seen).size === seen.length, "a user was listed twice");
    await sdk.send(new idp.CreateGroupCommand({ UserPoolId: pools.plain.id, GroupName: "admins" }));
    await sdk.send(new idp.AdminAddUserToGroupCommand({ UserPoolId: pools.plain.id, Username: "p1", GroupName: "admins" }));
    const groups = await sdk.send(new idp.AdminListGroupsForUserCommand({ UserPoolId: pools.plain.id, Username: "p1" }));
    check(groups.Groups.map((g) => g.GroupName).join() === "admins", "group not listed");
  });

  await step("SDK v3: GetTokensFromRefreshToken rotates, RevokeToken revokes", async () => {
    const pool = pools.rotation;
    const first = await sdk.send(new idp.InitiateAuthCommand({
      ClientId: pool.client, AuthFlow: "USER_PASSWORD_AUTH",
      AuthParameters: { USERNAME: "frank", PASSWORD: password },
    }));
    const rotated = await sdk.send(new idp.GetTokensFromRefreshTokenCommand({
      ClientId: pool.client, RefreshToken: first.AuthenticationResult.RefreshToken,
    }));
    check(rotated.AuthenticationResult.RefreshToken && rotated.AuthenticationResult.RefreshToken !== first.AuthenticationResult.RefreshToken, "not rotated");
    await sdk.send(new idp.RevokeTokenCommand({ ClientId: pool.client, Token: rotated.AuthenticationResult.RefreshToken }));
    try {
      await sdk.send(new idp.GetTokensFromRefreshTokenCommand({ ClientId: pool.client, RefreshToken: rotated.AuthenticationResult.RefreshToken }));
    } catch (error) {
      check(error.name === "NotAuthorizedException", `got ${error.name}`);
      return;
    }
    throw new Error("a revoked refresh token still works");
  });

  await step("SDK v3: errors arrive as the modelled exceptions", async () => {
    try {
      await sdk.send(new idp.AdminGetUserCommand({ UserPoolId: pools.plain.id, Username: "nobody" }));
    } catch (error) {
      check(error instanceof idp.UserNotFoundException, `got ${error.name}`);
      check(error.$metadata.httpStatusCode === 400, `status ${error.$metadata.httpStatusCode}`);
      return;
    }
    throw new Error("no error for an unknown user");
  });

  process.exitCode = failures ? 1 : 0;
}

main().catch((error) => {
  report("oracle", error);
  process.exitCode = 1;
});
