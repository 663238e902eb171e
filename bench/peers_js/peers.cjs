// The JavaScript half of bench/peers.py: AWS's own libraries on the same inputs.
//
// Reads one JSON object on stdin (token, JWKS, pool, client, SRP challenge, repetitions) and
// prints one JSON object: per-call CPU samples in microseconds for
//   - aws-jwt-verify's CognitoJwtVerifier.verifySync (JWKS cached up front: no fetch),
//   - node's crypto.verify on the same signature (aws-jwt-verify's own floor),
// and per-login CPU samples in milliseconds for amazon-cognito-identity-js's
// CognitoUser.authenticateUser (USER_SRP_AUTH) against a scripted, synchronous client.
"use strict";

const crypto = require("node:crypto");
const { CognitoJwtVerifier } = require("aws-jwt-verify");
const {
  AuthenticationDetails,
  CognitoUser,
  CognitoUserPool,
} = require("amazon-cognito-identity-js");

function versionOf(name) {
  const file = require("node:path").join(__dirname, "node_modules", name, "package.json");
  return JSON.parse(require("node:fs").readFileSync(file, "utf8")).version;
}

function readStdin() {
  return require("node:fs").readFileSync(0, "utf8");
}

// One sample per batch of `batch` calls: CPU microseconds per call (run node with
// --single-threaded so that the process's CPU time is the calls' own work).
function batchSamples(fn, rounds, batch) {
  for (let i = 0; i < batch * 5; i++) fn();
  const samples = [];
  for (let r = 0; r < rounds; r++) {
    const start = process.cpuUsage();
    for (let i = 0; i < batch; i++) fn();
    const used = process.cpuUsage(start);
    samples.push((used.user + used.system) / batch);
  }
  return samples;
}

// CPU time of each call (milliseconds), as bench/peers.py measures the Python logins.
function cpuSamples(fn, repeat) {
  fn();
  const samples = [];
  for (let r = 0; r < repeat; r++) {
    const start = process.cpuUsage();
    fn();
    const used = process.cpuUsage(start);
    samples.push((used.user + used.system) / 1000);
  }
  return samples;
}

function verifyCases(input) {
  const verifier = CognitoJwtVerifier.create({
    userPoolId: input.pool_id,
    tokenUse: "access",
    clientId: input.client_id,
  });
  verifier.cacheJwks(input.jwks);
  const claims = verifier.verifySync(input.token); // throws if our token does not pass
  if (claims.client_id !== input.client_id) throw new Error("aws-jwt-verify: wrong claims");

  const [head, body, sig] = input.token.split(".");
  const data = Buffer.from(`${head}.${body}`);
  const signature = Buffer.from(sig, "base64url");
  const jwk = input.jwks.keys.find((k) => k.kid === input.kid);
  const key = crypto.createPublicKey({ key: jwk, format: "jwk" });
  if (!crypto.verify("sha256", data, key, signature)) throw new Error("node: bad signature");

  const { rounds, batch } = input.verify;
  return {
    aws_jwt_verify: batchSamples(() => verifier.verifySync(input.token), rounds, batch),
    node_crypto_verify: batchSamples(() => crypto.verify("sha256", data, key, signature), rounds, batch),
  };
}

function srpCase(input) {
  const srp = input.srp;
  const pool = new CognitoUserPool({ UserPoolId: srp.pool_id, ClientId: srp.client_id });
  const tokens = {
    AuthenticationResult: {
      AccessToken: input.token,
      IdToken: input.token,
      RefreshToken: "r".repeat(40),
      ExpiresIn: 3600,
      TokenType: "Bearer",
    },
  };
  let sent = null;
  // Cognito, scripted and synchronous: no I/O is timed, only the client's own work.
  pool.client.request = (operation, params, callback) => {
    if (operation === "InitiateAuth") {
      return callback(null, { ChallengeName: "PASSWORD_VERIFIER", ChallengeParameters: srp.challenge });
    }
    sent = params.ChallengeResponses;
    return callback(null, tokens);
  };
  const details = new AuthenticationDetails({ Username: srp.username, Password: srp.password });
  function login() {
    let done = false;
    const user = new CognitoUser({ Username: srp.username, Pool: pool });
    user.authenticateUser(details, {
      onSuccess: () => {
        done = true;
      },
      onFailure: (err) => {
        throw err;
      },
    });
    if (!done || !sent || !sent.PASSWORD_CLAIM_SIGNATURE) throw new Error("login did not finish");
  }
  return { amazon_cognito_identity_js: cpuSamples(login, srp.repeat) };
}

const input = JSON.parse(readStdin());
const out = {
  node: process.version,
  versions: Object.fromEntries(
    ["aws-jwt-verify", "amazon-cognito-identity-js"].map((name) => [name, versionOf(name)]),
  ),
  ...(input.verify ? verifyCases(input) : {}),
  ...(input.srp ? srpCase(input) : {}),
};
process.stdout.write(JSON.stringify(out));
