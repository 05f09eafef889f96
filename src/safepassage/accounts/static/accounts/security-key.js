/* Security keys (WebAuthn), decision 0035.
 *
 * A form marked data-webauthn="create" (add a key) or "get" (sign in) carries the
 * server's options as JSON in data-webauthn-options. On submit this script asks the
 * browser for the key's answer, puts it (as JSON, binary fields in base64url) in the
 * form's hidden "credential" field and submits the form like any other, with its CSRF
 * token. No fetch, nothing from another origin: the CSP stays strict.
 */
(function () {
  "use strict";

  function toBytes(base64url) {
    var base64 = base64url.replace(/-/g, "+").replace(/_/g, "/");
    while (base64.length % 4) {
      base64 += "=";
    }
    var binary = window.atob(base64);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i += 1) {
      bytes[i] = binary.charCodeAt(i);
    }
    return bytes.buffer;
  }

  function toBase64url(buffer) {
    var bytes = new Uint8Array(buffer);
    var binary = "";
    for (var i = 0; i < bytes.length; i += 1) {
      binary += String.fromCharCode(bytes[i]);
    }
    return window.btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function descriptors(list) {
    return (list || []).map(function (item) {
      var descriptor = { type: item.type, id: toBytes(item.id) };
      if (item.transports) {
        descriptor.transports = item.transports;
      }
      return descriptor;
    });
  }

  function creationOptions(options) {
    options.challenge = toBytes(options.challenge);
    options.user.id = toBytes(options.user.id);
    options.excludeCredentials = descriptors(options.excludeCredentials);
    return { publicKey: options };
  }

  function requestOptions(options) {
    options.challenge = toBytes(options.challenge);
    options.allowCredentials = descriptors(options.allowCredentials);
    return { publicKey: options };
  }

  // The credential as py_webauthn reads it: binary fields in base64url, and the
  // ceremony's own response fields.
  function credentialJSON(credential, response) {
    return {
      id: credential.id,
      rawId: toBase64url(credential.rawId),
      type: credential.type,
      response: response,
      clientExtensionResults: credential.getClientExtensionResults(),
      authenticatorAttachment: credential.authenticatorAttachment || undefined
    };
  }

  function registrationJSON(credential) {
    var response = credential.response;
    return credentialJSON(credential, {
      clientDataJSON: toBase64url(response.clientDataJSON),
      attestationObject: toBase64url(response.attestationObject),
      transports: typeof response.getTransports === "function" ? response.getTransports() : []
    });
  }

  function assertionJSON(credential) {
    var response = credential.response;
    return credentialJSON(credential, {
      clientDataJSON: toBase64url(response.clientDataJSON),
      authenticatorData: toBase64url(response.authenticatorData),
      signature: toBase64url(response.signature),
      userHandle: response.userHandle ? toBase64url(response.userHandle) : undefined
    });
  }

  function show(container, selector) {
    var element = container.querySelector(selector);
    if (element) {
      element.hidden = false;
    }
  }

  function setUp(form) {
    var container = form.closest(".security-key") || form.parentNode;
    var mode = form.getAttribute("data-webauthn");
    var field = form.querySelector("input[name=credential]");
    var notice = container.querySelector("[data-webauthn-without-script]");
    if (notice) {
      notice.hidden = true;
    }
    if (!window.PublicKeyCredential || !navigator.credentials || !field) {
      show(container, "[data-webauthn-unsupported]");
      if (mode === "create") {
        form.hidden = true;
      }
      return;
    }
    form.hidden = false;
    var busy = false;
    form.addEventListener("submit", function (event) {
      if (field.value) {
        return;
      }
      event.preventDefault();
      if (busy) {
        return;
      }
      var name = form.querySelector("input[name=name]");
      if (mode === "create" && name && !name.value.trim()) {
        field.value = "";
        HTMLFormElement.prototype.submit.call(form);
        return;
      }
      busy = true;
      var failed = form.querySelector("[data-webauthn-failed]");
      if (failed) {
        failed.hidden = true;
      }
      var options = JSON.parse(form.getAttribute("data-webauthn-options"));
      var ceremony = mode === "create"
        ? navigator.credentials.create(creationOptions(options))
        : navigator.credentials.get(requestOptions(options));
      ceremony.then(function (credential) {
        field.value = JSON.stringify(
          mode === "create" ? registrationJSON(credential) : assertionJSON(credential)
        );
        HTMLFormElement.prototype.submit.call(form);
      }).catch(function () {
        busy = false;
        if (failed) {
          failed.hidden = false;
        }
      });
    });
  }

  function start() {
    var forms = document.querySelectorAll("form[data-webauthn]");
    for (var i = 0; i < forms.length; i += 1) {
      setUp(forms[i]);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
