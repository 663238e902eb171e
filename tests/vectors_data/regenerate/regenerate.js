// Recompute every case's `outputs` in ../srp-public.json with AWS's JavaScript client,
// amazon-cognito-identity-js 6.3.21: its random source (WordArray.prototype.random) returns the
// case's bytes, Date is frozen at the case's clock, and a fake Cognito client answers with the
// case's challenge parameters and records the requests the library sends. SECRET_HASH is
// HMAC-SHA256 from node:crypto (the library has no client-secret support).
// Usage: node regenerate.js [path/to/srp-public.json]   (rewrites the file in place)
"use strict";
const fs = require("fs");
const path = require("path");
const crypto = require("crypto");
const lib = require("amazon-cognito-identity-js");
const WordArray = require("amazon-cognito-identity-js/lib/utils/WordArray").default;
const AuthenticationHelper = require("amazon-cognito-identity-js/lib/AuthenticationHelper").default;

const file = process.argv[2] || path.join(__dirname, "..", "srp-public.json");
const data = JSON.parse(fs.readFileSync(file, "utf8"));

let queue = Buffer.alloc(0);
WordArray.prototype.random = function random(nBytes) {
  if (queue.length < nBytes) throw new Error(`random source exhausted (${nBytes} wanted)`);
  const bytes = queue.subarray(0, nBytes);
  queue = queue.subarray(nBytes);
  const words = [];
  for (let i = 0; i < nBytes; i += 4) {
    const chunk = Buffer.alloc(4);
    bytes.copy(chunk, 0, i, Math.min(i + 4, nBytes));
    words.push(chunk.readInt32BE(0));
  }
  return new WordArray(words, nBytes);
};
const RealDate = Date;
function freeze(ms) {
  global.Date = class extends RealDate {
    constructor(...args) { super(...(args.length ? args : [ms])); }
    static now() { return ms; }
  };
}

function secretHash(username, clientId, secret) {
  return crypto.createHmac("sha256", secret).update(username + clientId).digest("base64");
}

class MemoryStorage {
  constructor() { this.items = {}; }
  setItem(k, v) { this.items[k] = String(v); }
  getItem(k) { return Object.prototype.hasOwnProperty.call(this.items, k) ? this.items[k] : null; }
  removeItem(k) { delete this.items[k]; }
  clear() { this.items = {}; }
}

const FAKE_TOKENS = { AccessToken: "e30.e30.x", IdToken: "e30.e30.x", RefreshToken: "r" };

function fakeClient(pool, answers, sent) {
  pool.client.request = (operation, params, callback) => {
    sent.push({ operation, params: JSON.parse(JSON.stringify(params)) });
    const answer = answers.shift();
    setImmediate(() => (answer instanceof Error ? callback(answer) : callback(null, answer)));
  };
}

function userCase(c) {
  const { inputs } = c;
  return new Promise((resolve, reject) => {
    queue = Buffer.from(inputs.small_a_random_hex, "hex");
    freeze(Number(inputs.now_epoch_ms));
    const pool = new lib.CognitoUserPool({ UserPoolId: inputs.user_pool_id, ClientId: inputs.client_id,
                                           Storage: new MemoryStorage() });
    const sent = [];
    fakeClient(pool, [
      { ChallengeName: "PASSWORD_VERIFIER", ChallengeParameters: inputs.challenge_parameters },
      { AuthenticationResult: FAKE_TOKENS },
    ], sent);
    const user = new lib.CognitoUser({ Username: inputs.username, Pool: pool, Storage: pool.storage });
    user.setAuthenticationFlowType("USER_SRP_AUTH");
    const details = new lib.AuthenticationDetails({ Username: inputs.username, Password: inputs.password });
    const done = () => {
      const [initiate, respond] = sent;
      const out = {
        initiate_auth: { AuthFlow: "USER_SRP_AUTH", ClientId: inputs.client_id,
                         AuthParameters: { USERNAME: initiate.params.AuthParameters.USERNAME,
                                           SRP_A: initiate.params.AuthParameters.SRP_A } },
        respond_to_auth_challenge: { ChallengeName: "PASSWORD_VERIFIER", ClientId: inputs.client_id,
                                     ChallengeResponses: { ...respond.params.ChallengeResponses } },
      };
      const responses = out.respond_to_auth_challenge.ChallengeResponses;
      out.SRP_A = out.initiate_auth.AuthParameters.SRP_A;
      out.TIMESTAMP = responses.TIMESTAMP;
      out.PASSWORD_CLAIM_SIGNATURE = responses.PASSWORD_CLAIM_SIGNATURE;
      if (inputs.client_secret) {
        out.initiate_auth.AuthParameters.SECRET_HASH =
          secretHash(inputs.username, inputs.client_id, inputs.client_secret);
        responses.SECRET_HASH = secretHash(responses.USERNAME, inputs.client_id, inputs.client_secret);
        out.SECRET_HASH_initiate_auth = out.initiate_auth.AuthParameters.SECRET_HASH;
        out.SECRET_HASH_respond_to_auth_challenge = responses.SECRET_HASH;
      }
      resolve(out);
    };
    user.authenticateUser(details, { onSuccess: done, onFailure: reject });
  });
}

function deviceCase(c) {
  const { inputs } = c;
  return new Promise((resolve, reject) => {
    freeze(Number(inputs.now_epoch_ms));
    // The helper draws its own `a` when built (the login's, not part of the vector), then
    // ConfirmDevice draws the device password and the salt.
    queue = Buffer.concat([Buffer.alloc(128, 1), Buffer.from(inputs.device_password_random_hex, "hex"),
                           Buffer.from(inputs.device_salt_random_hex, "hex")]);
    const helper = new AuthenticationHelper(inputs.device_group_key);
    helper.generateHashDevice(inputs.device_group_key, inputs.device_key, (error) => {
      if (error) return reject(error);
      const verifier = helper.getVerifierDevices();
      const out = {
        confirm_device: { DeviceKey: inputs.device_key, DeviceSecretVerifierConfig: {
          Salt: Buffer.from(helper.getSaltDevices(), "hex").toString("base64"),
          PasswordVerifier: Buffer.from(verifier, "hex").toString("base64") } },
        device_password: helper.getRandomPassword(),
      };
      queue = Buffer.from(inputs.small_a_random_hex, "hex");
      const pool = new lib.CognitoUserPool({ UserPoolId: inputs.user_pool_id, ClientId: inputs.client_id,
                                             Storage: new MemoryStorage() });
      const sent = [];
      fakeClient(pool, [
        { ChallengeName: "DEVICE_PASSWORD_VERIFIER", ChallengeParameters: inputs.challenge_parameters },
        { AuthenticationResult: FAKE_TOKENS },
      ], sent);
      const user = new lib.CognitoUser({ Username: inputs.username, Pool: pool, Storage: pool.storage });
      user.deviceKey = inputs.device_key;
      user.deviceGroupKey = inputs.device_group_key;
      user.randomPassword = out.device_password;
      user.getDeviceResponse({
        onSuccess: () => {
          const [srpAuth, verify] = sent;
          const secret = inputs.client_secret;
          out.device_srp_auth = { ChallengeName: "DEVICE_SRP_AUTH", ClientId: inputs.client_id,
                                  ChallengeResponses: { ...srpAuth.params.ChallengeResponses } };
          out.device_password_verifier = { ChallengeName: "DEVICE_PASSWORD_VERIFIER",
                                           ClientId: inputs.client_id,
                                           ChallengeResponses: { ...verify.params.ChallengeResponses } };
          for (const request of [out.device_srp_auth, out.device_password_verifier]) {
            if (secret) request.ChallengeResponses.SECRET_HASH =
              secretHash(request.ChallengeResponses.USERNAME, inputs.client_id, secret);
          }
          out.SRP_A = out.device_srp_auth.ChallengeResponses.SRP_A;
          out.TIMESTAMP = out.device_password_verifier.ChallengeResponses.TIMESTAMP;
          out.PASSWORD_CLAIM_SIGNATURE = out.device_password_verifier.ChallengeResponses.PASSWORD_CLAIM_SIGNATURE;
          if (secret) out.SECRET_HASH = secretHash(inputs.username, inputs.client_id, secret);
          resolve(out);
        },
        onFailure: reject,
      });
    });
  });
}

(async () => {
  for (const c of data.cases) {
    if (c.expect_error) continue;  // rejection cases have no outputs to recompute
    c.outputs = await (c.flow === "device_srp" ? deviceCase(c) : userCase(c));
  }
  global.Date = RealDate;
  fs.writeFileSync(file, JSON.stringify(data, null, 1) + "\n");
  console.log(`recomputed ${data.cases.filter((c) => !c.expect_error).length} cases in ${file}`);
})().catch((error) => { console.error(error); process.exit(1); });
