from django.urls import path

from safepassage.accounts import member_views, security_key_views, views

app_name = "accounts"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("login/code/", views.two_factor_view, name="two_factor"),
    path(
        "login/security-key/",
        security_key_views.security_key_sign_in_view,
        name="security_key_sign_in",
    ),
    path("login/recover/", views.recover_with_key_view, name="recover_with_key"),
    path("login/enrolment-code/", views.enrolment_code_view, name="enrolment_code"),
    path("two-factor/set-up/", views.enrol_view, name="enrol"),
    path("two-factor/recovery-codes/", views.recovery_codes_view, name="recovery_codes"),
    path("security/", views.security_view, name="security"),
    path("security/confirm/", views.reauthenticate_view, name="reauthenticate"),
    path(
        "security/confirm/security-key/",
        security_key_views.reauthenticate_with_security_key_view,
        name="reauthenticate_with_security_key",
    ),
    path("security/password/", views.change_password_view, name="change_password"),
    path("security/keys/", views.replace_keys_view, name="replace_keys"),
    path(
        "security/security-keys/add/",
        security_key_views.add_security_key_view,
        name="add_security_key",
    ),
    path(
        "security/security-keys/<uuid:key_id>/remove/",
        security_key_views.remove_security_key_view,
        name="remove_security_key",
    ),
    path(
        "colleagues/<uuid:user_id>/keys/",
        views.replace_colleague_keys_view,
        name="replace_colleague_keys",
    ),
    path(
        "colleagues/<uuid:user_id>/two-factor/",
        views.reset_colleague_two_factor_view,
        name="reset_colleague_two_factor",
    ),
    path(
        "colleagues/<uuid:user_id>/two-factor/cancel/",
        views.cancel_colleague_two_factor_reset_view,
        name="cancel_colleague_two_factor_reset",
    ),
    path(
        "organisations/<uuid:organisation_id>/members/<uuid:user_id>/remove/",
        member_views.remove_member_view,
        name="remove_member",
    ),
    path(
        "invitations/<uuid:invitation_id>/revoke/",
        member_views.revoke_invitation_view,
        name="revoke_invitation",
    ),
    path("logout/", views.logout_view, name="logout"),
    path("logout/everywhere/", views.logout_everywhere_view, name="logout_everywhere"),
    path("invitation/<str:token>/", views.accept_invitation_view, name="accept_invitation"),
]
