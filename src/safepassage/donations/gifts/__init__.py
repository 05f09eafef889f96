"""Cash gifts: the provider webhook, staff entry, receipts and the staff lists.

The usual app skeleton (actions, selectors, access, forms, views, errors, tasks) lives in
this subpackage so that gifts, pledges and campaigns can grow side by side in the
donations app without editing each other's modules.
"""
