"""The pages' drawing code, one module per large page: Streamlit widgets laid out around lor/ results.

With lor/ui.py, the only part of lor/ that imports streamlit (tests/test_app.py checks it). Domain rules stay in
the plain modules of lor/; a page file in pages/ calls these in order.
"""
