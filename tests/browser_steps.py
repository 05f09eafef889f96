"""Steps the browser tests share: signing in through the real pages (Chromium), as a
person would, so every test that starts signed in goes through the same two steps."""

from playwright.sync_api import Page

from tests.factories import STAFF_PASSWORD, StaffMember


def enter_password(page: Page, base_url: str, staff: StaffMember) -> None:
    """The first sign-in step: e-mail address and password (the code step follows)."""
    page.goto(base_url + "/accounts/login/")
    page.get_by_label("E-mail address").fill(staff.user.email)
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Continue").click()


def sign_in_through_the_pages(page: Page, base_url: str, staff: StaffMember) -> None:
    """Both sign-in steps: password, then the code the staff member's app shows."""
    enter_password(page, base_url, staff)
    page.get_by_label("Code from your authenticator app").fill(staff.current_code())
    page.get_by_role("button", name="Sign in").click()


def plug_in_security_key(page: Page) -> None:
    """Give the page's browser a USB security key: Chromium's virtual authenticator (CTAP2,
    user verification, touched automatically) through the DevTools protocol."""
    devtools = page.context.new_cdp_session(page)
    devtools.send("WebAuthn.enable")
    devtools.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "usb",
                "hasResidentKey": False,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
