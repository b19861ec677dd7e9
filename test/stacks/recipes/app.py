"""The api process: a Flask app that gunicorn serves."""
from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "hello from flask\n"
