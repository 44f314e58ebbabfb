package org.plasmid.servlet;

/** A request the servlet refuses before it reaches the engine; carries the answer to send. */
final class RequestException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient Answer answer;

    RequestException(Answer answer) {
        super(answer.status() + " " + answer.bodyText(), null, false, false);
        this.answer = answer;
    }

    static RequestException badRequest(String message) {
        return new RequestException(Answers.badRequest(message));
    }

    static RequestException tooLarge(String message) {
        return new RequestException(Answers.tooLarge(message));
    }

    Answer answer() {
        return answer;
    }
}
