// AWS's own JavaScript clients through the sign-in flows of issue 13, against the local Cognito
// and the Lambda handlers the Python test registered: CUSTOM_AUTH (alone, and starting with SRP
// as amazon-cognito-identity-js does it), USER_PASSWORD_AUTH migrating a user, and USER_AUTH with
// an e-mailed code through the AWS SDK v3. Run by tests/js_oracle/test_js_flows.py with one JSON
// argument {endpoint, region, pools: {custom, migration, choice: {id, client}}, password,
// legacy: {username, password}, answer}; prints one JSON line per step, as oracle.cjs does.
"use strict";

const { AuthenticationDetails, CognitoUser, CognitoUserPool } = require("amazon-cognito-identity-js");
const idp = require("@aws-sdk/client-cognito-identity-provider");
const { check, MemoryStorage } = require("./helpers.cjs");

const config = JSON.parse(process.argv[2]);
const { endpoint, region, pools, password, legacy, answer } = config;
let failures = 0;

async function step(name, body) {
  try {
    await body();
    console.log(JSON.stringify({ step: name, ok: true }));
  } catch (error) {
    failures += 1;
    console.log(JSON.stringify({ step: name, ok: false, error: String(error && (error.stack || error.message || error)) }));
  }
}

function user(name, username) {
  const storage = new MemoryStorage();
  const pool = new CognitoUserPool({ UserPoolId: pools[name].id, ClientId: pools[name].client, endpoint, Storage: storage });
  return new CognitoUser({ Username: username, Pool: pool, Storage: storage });
}

// Signs in, answering each custom challenge with `answers` in turn; resolves with the session
// and the questions seen.
function customSignIn(cognitoUser, start, answers) {
  const questions = [];
  return new Promise((resolve, reject) => {
    const callbacks = {
      onSuccess: (session) => resolve({ session, questions }),
      onFailure: reject,
      customChallenge: (parameters) => {
        questions.push(parameters.question);
        check(answers.length > 0, "more custom challenges than answers");
        cognitoUser.sendCustomChallengeAnswer(answers.shift(), callbacks);
      },
    };
    start(callbacks);
  });
}

async function main() {
  await step("custom-auth-alone", async () => {
    const u = user("custom", "ivy");
    const details = new AuthenticationDetails({ Username: "ivy" });
    const { session, questions } = await customSignIn(u, (cb) => u.initiateAuth(details, cb),
      ["wrong", answer]);
    check(session.isValid(), "no valid session");
    check(questions.length === 2, `asked ${questions.length} times`);
  });

  await step("custom-auth-with-srp", async () => {
    const u = user("custom", "ivy");
    u.setAuthenticationFlowType("CUSTOM_AUTH");
    const details = new AuthenticationDetails({ Username: "ivy", Password: password });
    const { session } = await customSignIn(u, (cb) => u.authenticateUser(details, cb), [answer]);
    check(session.getIdToken().payload["cognito:username"] === "ivy", "wrong user");
  });

  await step("custom-auth-with-a-wrong-password", async () => {
    const u = user("custom", "ivy");
    u.setAuthenticationFlowType("CUSTOM_AUTH");
    const details = new AuthenticationDetails({ Username: "ivy", Password: "Not-The-One-1!" });
    let refused = null;
    await customSignIn(u, (cb) => u.authenticateUser(details, cb), [answer]).catch((e) => { refused = e; });
    check(refused && refused.code === "NotAuthorizedException", `not refused: ${refused}`);
  });

  await step("user-password-auth-migrates", async () => {
    const u = user("migration", legacy.username);
    u.setAuthenticationFlowType("USER_PASSWORD_AUTH");
    const details = new AuthenticationDetails({ Username: legacy.username, Password: legacy.password });
    const session = await new Promise((resolve, reject) => u.authenticateUser(details, { onSuccess: resolve, onFailure: reject }));
    check(session.getIdToken().payload.email === `${legacy.username}@legacy.example`, "not migrated");
    const srp = user("migration", legacy.username);  // now a user: SRP works
    await new Promise((resolve, reject) => srp.authenticateUser(details, { onSuccess: resolve, onFailure: reject }));
  });

  await step("user-auth-email-code", async () => {
    const sdk = new idp.CognitoIdentityProviderClient({
      region, endpoint, credentials: { accessKeyId: "testing", secretAccessKey: "testing" }, maxAttempts: 1,
    });
    const offered = await sdk.send(new idp.InitiateAuthCommand({
      AuthFlow: "USER_AUTH", ClientId: pools.choice.client, AuthParameters: { USERNAME: "jo" },
    }));
    check(offered.ChallengeName === "SELECT_CHALLENGE", offered.ChallengeName);
    check(offered.AvailableChallenges.includes("EMAIL_OTP"), JSON.stringify(offered.AvailableChallenges));
    const otp = await sdk.send(new idp.RespondToAuthChallengeCommand({
      ClientId: pools.choice.client, ChallengeName: "SELECT_CHALLENGE", Session: offered.Session,
      ChallengeResponses: { USERNAME: "jo", ANSWER: "EMAIL_OTP" },
    }));
    check(otp.ChallengeName === "EMAIL_OTP", otp.ChallengeName);
    const url = `${endpoint}/_local/messages?username=jo&kind=email_otp`;
    const messages = await (await fetch(url)).json();
    const done = await sdk.send(new idp.RespondToAuthChallengeCommand({
      ClientId: pools.choice.client, ChallengeName: "EMAIL_OTP", Session: otp.Session,
      ChallengeResponses: { USERNAME: "jo", EMAIL_OTP_CODE: messages[messages.length - 1].code },
    }));
    check(done.AuthenticationResult && done.AuthenticationResult.AccessToken, "no tokens");
  });
}

main().then(() => process.exit(failures ? 1 : 0));
