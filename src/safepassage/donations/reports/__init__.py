"""The organisation's reports page (PRODUCT.md flow 9): aggregate figures only.

Money raised per month and currency, miles pledged and redeemed per program, people moved
per month, cost per person and miles about to expire, each from one selector; CSV of each
table and a PDF of the whole page. No name, case code or donor identity is ever shown or
exported: every figure is a sum or a count.
"""
